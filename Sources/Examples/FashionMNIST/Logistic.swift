// fashion-mnist --model logistic: the chapter's opening cell, scikit-learn's
//
//     sc = SGDClassifier(loss='log_loss', max_iter=5, random_state=42)
//     scores = cross_validate(sc, train_scaled, train_target)
//     print(np.mean(scores['test_score']))        # 0.8196 in the book
//
// on the 60,000 training images scaled to [0, 1] and flattened to 784 features.
import ExampleSupport
import SwiftLearn

/// What the tutorial and scikit-learn print for the cell.
enum LogisticTutorial {
    /// The book's figure (an older scikit-learn, `loss='log'`).
    static let tutorialMean = 0.8196
    /// scikit-learn 1.9.1 on this machine, same folds and seed: test scores [0.8298, 0.8199, 0.8203, 0.8081, 0.8189].
    static let scikitLearnMean = 0.8194

    /// `train_input / 255.0` reshaped to `[n, 784]`, in Double like numpy's division.
    static func scaledFeatures(_ images: Tensor<UInt8>) throws -> Tensor<Double> {
        try (Tensor<Double>(images) / 255).checkedReshaped([images.shape[0], -1])
    }

    /// The `--json` object: `{"model":"logistic","cv_scores":[...],"cv_mean_accuracy":...}` and the details after it.
    static func json(_ result: CrossValidationResult, maxIter: Int, seed: UInt32, samples: Int) -> JSONResult {
        [
            "model": "logistic", "cv_scores": .numbers(result.scores), "cv_mean_accuracy": .number(result.meanScore),
            "tutorial_cv_mean_accuracy": .number(tutorialMean), "scikit_learn_cv_mean_accuracy": .number(scikitLearnMean),
            "samples": .integer(samples), "max_iter": .integer(maxIter), "random_state": .integer(Int(seed)),
            "fit_seconds": .numbers(result.fitTimes.map { rounded($0, 3) }),
        ]
    }

    /// Runs the cell and prints the scores beside the tutorial's.
    static func run(images: Tensor<UInt8>, labels: Tensor<UInt8>, maxIter: Int, seed: UInt32, folds: Int,
                    limit: Int?) throws -> JSONResult {
        var (x, y) = (try scaledFeatures(images), labels)
        if let limit, limit < x.shape[0] {
            x = try selectSamples(x, at: Array(0..<limit))
            y = try selectSamples(y, at: Array(0..<limit))
        }
        let model = SGDClassifier(loss: .logLoss, maxIter: maxIter, randomState: seed)
        printHeading("Logistic regression by SGD: SGDClassifier(loss: .logLoss, maxIter: \(maxIter), randomState: \(seed))")
        say("crossValidate(model, x, y, cv: \(folds)) on \(x.shape[0]) images of \(x.shape[1]) pixels scaled to [0, 1]"
            + " (stratified folds, no shuffling, as scikit-learn's cross_validate)")
        let result = try crossValidate(model, x, y, cv: .folds(folds))
        for (index, score) in result.scores.enumerated() {
            say("fold \(index + 1): accuracy \(fixed(score, 4))  (fit \(fixed(result.fitTimes[index], 2)) s)")
        }
        say("mean accuracy \(fixed(result.meanScore, 4))   tutorial: \(fixed(tutorialMean, 4))   "
            + "scikit-learn 1.9.1: \(fixed(scikitLearnMean, 4))")
        if maxIter < 1000 {
            say("(like scikit-learn's ConvergenceWarning: \(maxIter) epochs stop before the loss settles; the tutorial"
                + " moves on to Keras next)")
        }
        return json(result, maxIter: maxIter, seed: seed, samples: x.shape[0])
    }
}
