import ExampleSupport
import SwiftLearn

/// The synthetic stand-ins for garments.
enum ShapeKind: String, CaseIterable {
    case disk, square, triangle, cross, ring
}

/// `count` 28x28 grayscale images of filled shapes of random size, position and brightness, with their kinds.
func drawShapes(count: Int, seed: UInt32) -> (images: Tensor<UInt8>, labels: [Int]) {
    var random = RandomState(seed: seed)
    var labels: [Int] = []
    let images = Tensor<UInt8>(shape: [count, 28, 28]) { pixels in
        pixels.initialize(repeating: 0)
        for index in 0..<count {
            let kind = random.randint(0, ShapeKind.allCases.count)
            labels.append(kind)
            let centerX = 14 + Double(random.randint(-3, 4)), centerY = 14 + Double(random.randint(-3, 4))
            let radius = Double(random.randint(7, 11))
            let brightness = UInt8(random.randint(150, 256))
            for y in 0..<28 {
                for x in 0..<28 {
                    let dx = Double(x) + 0.5 - centerX, dy = Double(y) + 0.5 - centerY
                    let inside: Bool
                    switch ShapeKind.allCases[kind] {
                    case .disk: inside = dx * dx + dy * dy <= radius * radius
                    case .square: inside = abs(dx) <= radius * 0.8 && abs(dy) <= radius * 0.8
                    case .triangle: inside = dy <= radius * 0.8 && dy >= -radius && abs(dx) <= (dy + radius) * 0.55
                    case .cross: inside = (abs(dx) <= radius * 0.3 && abs(dy) <= radius) || (abs(dy) <= radius * 0.3 && abs(dx) <= radius)
                    case .ring:
                        let distance = dx * dx + dy * dy
                        inside = distance <= radius * radius && distance >= radius * radius * 0.4
                    }
                    if inside { pixels[index * 784 + y * 28 + x] = brightness }
                }
            }
        }
    }
    return (images, labels)
}
