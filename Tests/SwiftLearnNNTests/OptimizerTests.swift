import XCTest
import SwiftLearnTensor
@testable import SwiftLearnNN

/// Two update steps of every optimizer against Keras 3.15's `update_step` formulas evaluated by numpy in
/// float32 (Fixtures/make_references.py prints these numbers).
final class OptimizerTests: XCTestCase {
    private let initial: [Float] = [0.5, -1.0, 2.0, 0.0, 1e-3]
    private let gradients: [[Float]] = [[0.1, -0.2, 0.3, 0.0, 5.0], [-0.05, 0.4, 0.3, 1.0, -2.0]]

    private func twoSteps(_ optimizer: Optimizer) throws -> [Float] {
        try optimizer.validate()
        let weight = Weight(name: "w", shape: [5])
        try weight.assign(Tensor(initial))
        for gradient in gradients {
            try weight.assignGradient(Tensor(gradient))
            try optimizer.apply(to: [weight])
        }
        XCTAssertEqual(optimizer.iterations, 2)
        return weight.scalars
    }

    func testAdamMatchesKeras() throws {
        assertClose(try twoSteps(.adam()), [0.4987336993217468, -0.9993661046028137, 1.997999906539917,
                                            -0.0007441319758072495, -0.00034560379572212696], tolerance: 2e-6)
    }

    func testAdamAmsgradMatchesKeras() throws {
        assertClose(try twoSteps(.adam(learningRate: 0.01, amsgrad: true)),
                    [0.48733702301979065, -0.993661105632782, 1.9800002574920654, -0.007441319525241852,
                     -0.012456037104129791], tolerance: 2e-6)
    }

    func testSGDMatchesKeras() throws {
        assertClose(try twoSteps(.sgd()), [0.49950000643730164, -1.0019999742507935, 1.99399995803833,
                                           -0.009999999776482582, -0.028999999165534973], tolerance: 1e-6)
        assertClose(try twoSteps(.sgd(learningRate: 0.1, momentum: 0.9)),
                    [0.4860000014305115, -1.0019999742507935, 1.9129999876022339, -0.10000000149011612,
                     -0.7490000128746033], tolerance: 1e-6)
        assertClose(try twoSteps(.sgd(learningRate: 0.1, momentum: 0.9, nesterov: true)),
                    [0.48240000009536743, -1.0218000411987305, 1.8616999387741089, -0.1899999976158142,
                     -0.9739999771118164], tolerance: 1e-6)
    }

    func testRMSpropMatchesKeras() throws {
        assertClose(try twoSteps(.rmsprop()), [0.49831223487854004, -0.9996948838233948, 1.9945435523986816,
                                               -0.0031622759997844696, -0.0009336875518783927], tolerance: 1e-6)
        assertClose(try twoSteps(.rmsprop(learningRate: 0.01, momentum: 0.5, centered: true)),
                    [0.46484997868537903, -0.9789314866065979, 1.9245097637176514, -0.03333331272006035,
                     -0.0365665964782238], tolerance: 1e-6)
    }

    func testAdagradMatchesKeras() throws {
        assertClose(try twoSteps(.adagrad()), [0.49984756112098694, -1.0001957416534424, 1.9987448453903198,
                                               -0.0009534625569358468, 0.0003727460862137377], tolerance: 1e-6)
    }

    func testKerasDefaults() {
        let adam = Adam()
        XCTAssertEqual([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon], [0.001, 0.9, 0.999, 1e-7])
        let rmsprop = RMSprop()
        XCTAssertEqual([rmsprop.learningRate, rmsprop.rho, rmsprop.momentum, rmsprop.epsilon], [0.001, 0.9, 0, 1e-7])
        let adagrad = Adagrad()
        XCTAssertEqual([adagrad.learningRate, adagrad.initialAccumulatorValue, adagrad.epsilon], [0.001, 0.1, 1e-7])
        let sgd = SGD()
        XCTAssertEqual(sgd.learningRate, 0.01)
        XCTAssertEqual(sgd.momentum, 0)
        XCTAssertFalse(sgd.nesterov)
    }

    /// The optimizers' vector square root is the correctly rounded one of the magnitude, lane for lane.
    func testMagnitudeSquareRootIsCorrectlyRounded() {
        var x: Float = 1e-38
        while x < 1e38 {
            let lanes = SIMD16<Float>((0..<16).map { x * (1 + Float($0) * 0.0625) * ($0 % 2 == 0 ? 1 : -1) })
            let roots = magnitudeSquareRoot(lanes)
            for lane in 0..<16 {
                XCTAssertEqual(roots[lane].bitPattern, abs(lanes[lane]).squareRoot().bitPattern, "sqrt(|\(lanes[lane])|)")
            }
            x *= 1.37
        }
        XCTAssertEqual(magnitudeSquareRoot(SIMD16(repeating: 0))[0], 0)
        XCTAssertEqual(magnitudeSquareRoot(SIMD16(repeating: -0.0))[0].bitPattern, 0)
    }

    func testInvalidHyperparametersAreQuoted() throws {
        let model = Sequential { Dense(1, inputShape: [2]) }
        assertThrowsMessage(["Adam", "beta1", "1.5"]) { try model.compile(optimizer: .adam(beta1: 1.5), loss: .mse) }
        assertThrowsMessage(["SGD", "learningRate", "-0.1"]) { try model.compile(optimizer: .sgd(learningRate: -0.1), loss: .mse) }
        assertThrowsMessage(["RMSprop", "rho", "2.0"]) { try model.compile(optimizer: .rmsprop(rho: 2), loss: .mse) }
        assertThrowsMessage(["huber", "delta", "0.0"]) { try model.compile(optimizer: .adam(), loss: .huber(delta: 0)) }
    }
}
