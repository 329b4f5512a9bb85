import FoundationEssentials
import SwiftLearnTensor

extension Sequential {
    /// The file keys of all weights, in model order (`dense/kernel`, `dense/bias`, ...).
    var weightPaths: [String] {
        layers.flatMap { layer in layer.weights.map { "\(layer.name)/\($0.name)" } }
    }

    private static func encodeJSON(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    private func requireBuilt(_ path: String) throws {
        try buildIfPossible()
        guard isBuilt else {
            throw NNError.file(path: path, message: "cannot save model '\(name)': it has not been built yet (no input shape known)")
        }
    }

    /// Writes all weights to a safetensors file (float32, keys `layer/weight`), atomically.
    ///
    /// Python reads it with `safetensors.numpy.load_file(path)`. The metadata entry `weight_order`
    /// lists the keys in model order so ``loadWeights(_:)`` can match weights by position, as Keras does,
    /// even when the loading model's layers got other automatic names.
    public func saveWeights(_ path: String) throws {
        try requireBuilt(path)
        let bytes = encodedWeights(extraMetadata: ["format": "swiftlearn.weights"], includeOptimizer: false)
        try writeFileAtomically(bytes, to: path)
    }

    private func encodedWeights(extraMetadata: [String: String], includeOptimizer: Bool) -> [UInt8] {
        let weights = self.weights
        let paths = weightPaths
        var metadata = extraMetadata
        metadata["weight_order"] = Sequential.encodeJSON(.array(paths.map { .string($0) }))
        var tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] = zip(paths, weights).map {
            ($0.0, $0.1.shape, UnsafeBufferPointer($0.1.values))
        }
        if includeOptimizer, let optimizer, optimizerState.slots.count == trainableWeights.count {
            let slotNames = optimizer.slotNames
            for (index, weight) in trainableWeights.enumerated() {
                for (slot, slotName) in slotNames.enumerated() {
                    let values = UnsafeBufferPointer(start: optimizerState.slots[index].base + slot * weight.count, count: weight.count)
                    tensors.append(("optimizer/\(weightPath(weight))/\(slotName)", weight.shape, values))
                }
            }
        }
        return SafeTensors.encode(tensors, metadata: metadata)
    }

    /// Loads weights saved by ``saveWeights(_:)`` (or by Python with keys `layer/weight`).
    ///
    /// Weights are matched by position when the file lists its order (names may differ, as in Keras),
    /// otherwise by key.
    /// - Throws: ``NNError/file(path:message:)`` naming the file and the mismatch: another weight count
    ///   or shape (another architecture), a truncated file, a dtype other than float32.
    public func loadWeights(_ path: String) throws {
        try buildIfPossible()
        guard isBuilt else {
            throw NNError.file(path: path, message: "cannot load weights into model '\(name)': it has not been built yet (no input shape known)")
        }
        let file = try SafeTensors(path: path)
        try assignWeights(from: file)
    }

    private func assignWeights(from file: SafeTensors) throws {
        let weights = self.weights
        let paths = weightPaths
        let fileKeys: [String]
        if let order = file.metadata["weight_order"] {
            guard let decoded = try? JSONDecoder().decode([String].self, from: Data(order.utf8)) else {
                throw NNError.file(path: file.path, message: "metadata 'weight_order' is not a JSON array of strings: \(order)")
            }
            fileKeys = decoded
        } else {
            fileKeys = paths
        }
        let fileWeightCount = file.metadata["weight_order"] != nil ? fileKeys.count : file.entries.keys.filter { !$0.hasPrefix("optimizer/") }.count
        guard fileWeightCount == weights.count else {
            let expected = zip(paths, weights).map { "\($0.0) \(numpyShape($0.1.shape))" }.joined(separator: ", ")
            throw NNError.file(path: file.path, message: "the file holds \(fileWeightCount) weights, model '\(name)' has \(weights.count) (\(expected)); it was saved from another architecture")
        }
        var values: [[Float]] = []
        for (index, (key, weight)) in zip(fileKeys, weights).enumerated() {
            values.append(try file.floats(key, expectedShape: weight.shape,
                                          role: "weight \(index) '\(key)' (model weight '\(paths[index])')"))
        }
        for (weight, scalars) in zip(weights, values) {
            scalars.withUnsafeBufferPointer { weight.copyValues(from: $0) }
        }
    }

    /// The architecture as Keras-like JSON: class names, names and constructor arguments.
    var architecture: JSONValue {
        .object([
            "class_name": .string("Sequential"),
            "name": .string(name),
            "build_input_shape": JSONValue.shape(inputShape),
            "layers": .array(layers.map { layer in
                .object([
                    "class_name": .string(layer.className),
                    "name": .string(layer.name),
                    "trainable": .bool(layer.trainable),
                    "input_shape": JSONValue.shape(layer.declaredInputShape),
                    "config": .object(layer.config),
                ])
            }),
        ])
    }

    /// Saves the whole model (architecture, weights, compile settings and optimizer state) to one
    /// safetensors file, atomically, so ``loadModel(_:)`` can resume training exactly where it stopped.
    ///
    /// ```swift
    /// try model.save("best-model.safetensors")
    /// let restored = try loadModel("best-model.safetensors")
    /// ```
    public func save(_ path: String) throws {
        try requireBuilt(path)
        var metadata: [String: String] = [
            "format": "swiftlearn.model",
            "architecture": Sequential.encodeJSON(architecture),
        ]
        if let optimizer, let loss {
            var optimizerConfig: [String: JSONValue] = [:]
            for (key, value) in optimizer.config { optimizerConfig[key] = .number(value) }
            let compile: JSONValue = .object([
                "optimizer": .object(["class_name": .string(optimizer.name), "config": .object(optimizerConfig),
                                      "iterations": .number(Double(optimizerState.iterations)),
                                      "has_state": .bool(optimizerState.slots.count == trainableWeights.count)]),
                "loss": .object(["name": .string(loss.name), "from_logits": .bool(loss.fromLogits),
                                 "parameter": loss.parameter.map { .number($0) } ?? .null]),
                "metrics": .array(metrics.map { .string($0.name) }),
            ])
            metadata["compile"] = Sequential.encodeJSON(compile)
        }
        try writeFileAtomically(encodedWeights(extraMetadata: metadata, includeOptimizer: true), to: path)
    }
}

/// Recreates a model written by ``Sequential/save(_:)``: same layers and names, same weights, and,
/// when it was compiled, the same optimizer (with its state), loss and metrics. Keras's `load_model`.
///
/// - Throws: ``NNError/file(path:message:)`` naming the file and what is wrong (not a SwiftLearn model,
///   unknown layer class, truncated data, dtype or shape mismatch).
public func loadModel(_ path: String) throws -> Sequential {
    let file = try SafeTensors(path: path)
    guard file.metadata["format"] == "swiftlearn.model", let architectureText = file.metadata["architecture"] else {
        throw NNError.file(path: path, message: "not a SwiftLearn model file: metadata 'format' is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"), expected 'swiftlearn.model' (use loadWeights for weight files)")
    }
    func fail(_ message: String) -> NNError { .file(path: path, message: message) }
    guard case .object(let architecture)? = try? JSONDecoder().decode(JSONValue.self, from: Data(architectureText.utf8)),
          case .array(let layerList)? = architecture["layers"] else {
        throw fail("metadata 'architecture' is not a JSON object with a 'layers' array")
    }
    var layers: [Layer] = []
    for (index, entry) in layerList.enumerated() {
        guard case .object(let description) = entry, let className = description["class_name"]?.stringValue,
              let name = description["name"]?.stringValue, case .object(let config)? = description["config"] else {
            throw fail("layer \(index) of the architecture lacks class_name, name or config")
        }
        let inputShape = description["input_shape"]?.intArray
        func activation() throws -> ActivationFunction {
            guard let activationName = config["activation"]?.stringValue,
                  var function = ActivationFunction(name: activationName) else {
                throw fail("layer \(index) '\(name)': unknown activation \(config["activation"].map { "\($0)" } ?? "(missing)")")
            }
            if let parameter = config["activation_parameter"]?.doubleValue {
                if case .leakyRelu = function { function = .leakyRelu(negativeSlope: Float(parameter)) }
                if case .elu = function { function = .elu(alpha: Float(parameter)) }
            }
            return function
        }
        let layer: Layer
        switch className {
        case "Dense":
            guard let units = config["units"]?.doubleValue, units == units.rounded(), units >= 1, units <= Double(Int32.max) else {
                throw fail("layer \(index) '\(name)': Dense config needs 'units', a positive integer; received \(config["units"].map { "\($0)" } ?? "nothing")")
            }
            layer = Dense(Int(units), activation: try activation(), useBias: config["use_bias"]?.boolValue ?? true,
                          inputShape: inputShape, name: name)
        case "Flatten":
            layer = Flatten(inputShape: inputShape, name: name)
        case "Dropout":
            guard let rate = config["rate"]?.doubleValue else { throw fail("layer \(index) '\(name)': Dropout config lacks 'rate'") }
            layer = Dropout(rate, inputShape: inputShape, name: name)
        case "Activation":
            layer = Activation(try activation(), inputShape: inputShape, name: name)
        default:
            throw fail("layer \(index) '\(name)' has unknown class '\(className)'; known: Dense, Flatten, Dropout, Activation")
        }
        layer.trainable = description["trainable"]?.boolValue ?? true
        layers.append(layer)
    }
    let model = Sequential(layers, name: architecture["name"]?.stringValue)
    guard let buildShape = architecture["build_input_shape"]?.intArray else {
        throw fail("metadata 'architecture' lacks build_input_shape")
    }
    // Building allocates every weight; a few hundred bytes of JSON must not be able to ask for gigabytes,
    // so the architecture may not need more floats than the file's tensor data could hold.
    let availableFloats = file.data.count / 4
    guard let impliedFloats = impliedWeightCount(layers, inputShape: buildShape), impliedFloats <= availableFloats else {
        throw fail("the saved architecture needs \(impliedWeightCount(layers, inputShape: buildShape).map(String.init) ?? "more than Int.max") weight values for input shape \(kerasShape(buildShape)), but the file holds only \(file.data.count) bytes of tensor data (\(availableFloats) float32 values)")
    }
    do {
        try model.build(inputShape: buildShape)
    } catch {
        throw fail("the saved architecture does not build: \(error)")
    }
    try model.loadWeights(from: file)
    if let compileText = file.metadata["compile"] {
        guard case .object(let compile)? = try? JSONDecoder().decode(JSONValue.self, from: Data(compileText.utf8)),
              case .object(let optimizerDescription)? = compile["optimizer"],
              let optimizerName = optimizerDescription["class_name"]?.stringValue,
              case .object(let optimizerConfig)? = optimizerDescription["config"],
              case .object(let lossDescription)? = compile["loss"], let lossName = lossDescription["name"]?.stringValue else {
            throw fail("metadata 'compile' is not the expected JSON object")
        }
        var hyperparameters: [String: Double] = [:]
        for (key, value) in optimizerConfig { if let number = value.doubleValue { hyperparameters[key] = number } }
        guard let optimizer = makeOptimizer(name: optimizerName, config: hyperparameters) else {
            throw fail("unknown optimizer '\(optimizerName)'; known: SGD, Adam, RMSprop, Adagrad")
        }
        guard let loss = Loss(name: lossName, fromLogits: lossDescription["from_logits"]?.boolValue ?? false,
                              parameter: lossDescription["parameter"]?.doubleValue) else {
            throw fail("unknown loss '\(lossName)'")
        }
        var metrics: [Metric] = []
        if case .array(let names)? = compile["metrics"] {
            for value in names {
                guard let metricName = value.stringValue, let metric = Metric(name: metricName) else {
                    throw fail("unknown metric \(value)")
                }
                metrics.append(metric)
            }
        }
        do {
            try model.compile(anyOptimizer: optimizer, loss: loss, metrics: metrics)
        } catch {
            throw fail("the saved compile settings are invalid: \(error)")
        }
        if optimizerDescription["has_state"]?.boolValue == true {
            let trainable = model.trainableWeights
            model.optimizerState.prepare(for: trainable, optimizer: optimizer)
            for (index, weight) in trainable.enumerated() {
                for (slot, slotName) in optimizer.slotNames.enumerated() {
                    let key = "optimizer/\(model.weightPath(weight))/\(slotName)"
                    let values = try file.floats(key, expectedShape: weight.shape)
                    (model.optimizerState.slots[index].base + slot * weight.count).update(from: values, count: weight.count)
                }
            }
            let iterations = optimizerDescription["iterations"]?.doubleValue ?? 0
            guard iterations >= 0, iterations == iterations.rounded(), iterations < 1e15 else {
                throw fail("optimizer iterations must be a non-negative integer, received \(iterations)")
            }
            model.optimizerState.iterations = Int(iterations)
        }
    }
    return model
}

/// How many weight values `layers` allocate when built on `inputShape` (Dense kernels and biases), or
/// `nil` when the count overflows `Int`. Negative extents are left for `build` to reject.
private func impliedWeightCount(_ layers: [Layer], inputShape: [Int]) -> Int? {
    var shape = inputShape
    var total = 0
    for layer in layers {
        if let dense = layer as? Dense {
            let inputs = Swift.max(shape.last ?? 0, 0)
            let (kernel, kernelOverflow) = inputs.multipliedReportingOverflow(by: dense.units)
            let (sum, sumOverflow) = total.addingReportingOverflow(kernel)
            let (withBias, biasOverflow) = sum.addingReportingOverflow(dense.useBias ? dense.units : 0)
            if kernelOverflow || sumOverflow || biasOverflow { return nil }
            total = withBias
            shape = Array(shape.dropLast()) + [dense.units]
        } else if layer is Flatten {
            var count = 1
            for extent in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: Swift.max(extent, 0))
                if overflow { return nil }
                count = product
            }
            shape = [count]
        }
    }
    return total
}

extension Sequential {
    fileprivate func loadWeights(from file: SafeTensors) throws {
        try assignWeights(from: file)
    }
}
