import FoundationEssentials
import SwiftLearnSystem
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
        try checkModelFileName(path)
        try requireBuilt(path)
        let bytes = encodedWeights(extraMetadata: ["format": "swiftlearn.weights"], includeOptimizer: false)
        try FileIO.writeAtomically(bytes, toPath: path, as: NNError.self)
    }

    private func encodedWeights(extraMetadata: [String: String], includeOptimizer: Bool) -> [UInt8] {
        let weights = self.weights
        let paths = weightPaths
        var metadata = extraMetadata
        metadata["weight_order"] = Sequential.encodeJSON(.array(paths.map { .string($0) }))
        // Weights (row-major, whatever their storage order) and optimizer state arrays are copied out once and
        // kept alive until the file is encoded.
        var arrays: [(name: String, value: Tensor<Float>)] = zip(paths, weights).map { ($0.0, $0.1.value) }
        if includeOptimizer, let optimizer {
            for weight in trainableWeights {
                for (stateName, value) in optimizer.savedState(for: weight) {
                    arrays.append(("optimizer/\(weightPath(weight))/\(stateName)", value))
                }
            }
        }
        return withPointers(to: arrays.map(\.value)) { pointers in
            let tensors = zip(arrays, pointers).map { ($0.0.name, $0.0.value.shape, $0.1) }
            return SafeTensors.encode(tensors, metadata: metadata)
        }
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
            let parsed = try parseMetadataJSON(order, key: "weight_order") { NNError.file(path: file.path, message: $0) }
            guard case .array(let items) = parsed, items.allSatisfy({ $0.stringValue != nil }) else {
                throw NNError.file(path: file.path, message: "metadata 'weight_order' is not a JSON array of strings: \(order.prefix(200))")
            }
            fileKeys = items.map { $0.stringValue! }
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

    /// The architecture as Keras-like JSON: class names (as registered), names and constructor arguments.
    var architecture: JSONValue {
        .object([
            "class_name": .string("Sequential"),
            "name": .string(name),
            "build_input_shape": JSONValue.shape(inputShape),
            "layers": .array(layers.map { layer in
                .object([
                    "class_name": .string(LayerRegistry.registeredName(of: layer)),
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
    /// The file is safetensors whatever its name, so the name must end in `.safetensors` or have no
    /// extension: `model.h5` or `model.keras` is refused rather than written in a format its name does not
    /// promise.
    ///
    /// ```swift
    /// try model.save("best-model.safetensors")
    /// let restored = try loadModel("best-model.safetensors")
    /// ```
    public func save(_ path: String) throws {
        try checkModelFileName(path)
        try requireBuilt(path)
        var metadata: [String: String] = [
            "format": "swiftlearn.model",
            "architecture": Sequential.encodeJSON(architecture),
        ]
        if let optimizer, let loss {
            var optimizerConfig: [String: JSONValue] = [:]
            for (key, value) in optimizer.config { optimizerConfig[key] = .number(value) }
            let hasState = trainableWeights.contains { !optimizer.savedState(for: $0).isEmpty }
            let compile: JSONValue = .object([
                "optimizer": .object(["class_name": .string(optimizer.className), "config": .object(optimizerConfig),
                                      "iterations": .number(Double(optimizer.iterations)),
                                      "has_state": .bool(hasState)]),
                "loss": .object(["name": .string(loss.name), "config": .object(loss.config)]),
                "metrics": .array(metrics.map { .string($0.name) }),
            ])
            metadata["compile"] = Sequential.encodeJSON(compile)
        }
        try FileIO.writeAtomically(encodedWeights(extraMetadata: metadata, includeOptimizer: true), toPath: path, as: NNError.self)
    }
}

/// Refuses a model or weights file name whose extension promises another format (`.h5`, `.keras`, ...):
/// SwiftLearn writes safetensors, so the name ends in `.safetensors` or has no extension. With `template`,
/// `{...}` fields of a checkpoint path are ignored.
func checkModelFileName(_ path: String, template: Bool = false) throws {
    var name = String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    if template {
        while let open = name.firstIndex(of: "{"), let close = name[open...].firstIndex(of: "}") {
            name.removeSubrange(open...close)
        }
    }
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return }
    let fileExtension = name[name.index(after: dot)...].lowercased()
    guard fileExtension != "safetensors" else { return }
    throw NNError.file(path: path, message: "SwiftLearn saves models and weights as safetensors; name the file '*.safetensors' (or give it no extension), not '.\(fileExtension)', so the name says what the file holds")
}

/// Calls `body` with read-only views of every tensor's scalars, all valid for the duration of the call.
private func withPointers<R>(to tensors: [Tensor<Float>], _ body: ([UnsafeBufferPointer<Float>]) -> R) -> R {
    var pointers: [UnsafeBufferPointer<Float>] = []
    func nest(_ index: Int) -> R {
        guard index < tensors.count else { return body(pointers) }
        return tensors[index].withUnsafeBufferPointer { pointer in
            pointers.append(pointer)
            return nest(index + 1)
        }
    }
    return nest(0)
}

/// Recreates a model written by ``Sequential/save(_:)``: same layers and names, same weights, and,
/// when it was compiled, the same optimizer (with its state), loss and metrics. Keras's `load_model`.
///
/// Custom layers, losses and optimizers load when registered (``LayerRegistry``, ``LossRegistry``,
/// ``OptimizerRegistry``) before the call.
///
/// - Throws: ``NNError/file(path:message:)`` naming the file and what is wrong (not a SwiftLearn model,
///   unknown layer class, truncated data, dtype or shape mismatch).
public func loadModel(_ path: String) throws -> Sequential {
    let file = try SafeTensors(path: path)
    guard file.metadata["format"] == "swiftlearn.model", let architectureText = file.metadata["architecture"] else {
        throw NNError.file(path: path, message: "not a SwiftLearn model file: metadata 'format' is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"), expected 'swiftlearn.model' (use loadWeights for weight files)")
    }
    func fail(_ message: String) -> NNError { .file(path: path, message: message) }
    guard case .object(let architecture) = try parseMetadataJSON(architectureText, key: "architecture", fail: fail),
          case .array(let layerList)? = architecture["layers"] else {
        throw fail("metadata 'architecture' is not a JSON object with a 'layers' array")
    }
    var layers: [Layer] = []
    for (index, entry) in layerList.enumerated() {
        guard case .object(let description) = entry, let className = description["class_name"]?.stringValue,
              let name = description["name"]?.stringValue, case .object(let config)? = description["config"] else {
            throw fail("layer \(index) of the architecture lacks class_name, name or config")
        }
        guard let make = LayerRegistry.make(className) else {
            throw fail("layer \(index) '\(name)' has unknown class '\(className)'; registered: \(LayerRegistry.registeredNames.joined(separator: ", ")). Register a custom layer with LayerRegistry.register(_:package:_:) before loading")
        }
        let layer: Layer
        do {
            layer = try make(LayerConfig(name: name, inputShape: description["input_shape"]?.intArray, values: config))
            try layer.validateArguments()
        } catch {
            throw fail("layer \(index) '\(name)' (\(className)): \(error)")
        }
        layer.name = name
        layer.trainable = description["trainable"]?.boolValue ?? true
        layers.append(layer)
    }
    let model = Sequential(layers, name: architecture["name"]?.stringValue)
    guard let buildValue = architecture["build_input_shape"] else {
        throw fail("metadata 'architecture' lacks build_input_shape")
    }
    guard let buildShape = buildValue.intArray, !buildShape.isEmpty, buildShape.allSatisfy({ $0 > 0 && $0 <= Int(Int32.max) }) else {
        throw fail("metadata 'architecture' has build_input_shape \(buildValue), expected a non-empty list of positive integers up to \(Int32.max)")
    }
    // Building allocates every weight; a few hundred bytes of JSON must not be able to ask for gigabytes,
    // so the layers may create no more weight values than the file's tensor data holds.
    do {
        try WeightBudget.$current.withValue(WeightBudget(remaining: file.data.count / 4, path: path)) {
            try model.build(inputShape: buildShape)
        }
    } catch let error as NNError {
        if case .file = error { throw error }
        throw fail("the saved architecture does not build: \(error)")
    } catch {
        throw fail("the saved architecture does not build: \(error)")
    }
    try model.loadWeights(from: file)
    if let compileText = file.metadata["compile"] {
        try restoreCompile(compileText, into: model, file: file, fail: fail)
    }
    return model
}

/// A metadata entry's JSON, parsed with the depth-bounded parser; an error names the key and the byte.
private func parseMetadataJSON(_ text: String, key: String, fail: (String) -> NNError) throws -> JSONValue {
    do {
        return try JSONValue.parse(text)
    } catch {
        throw fail("metadata '\(key)' is not valid JSON: \(error)")
    }
}

/// Recompiles `model` from saved compile settings and puts back the optimizer's state and step count.
private func restoreCompile(_ text: String, into model: Sequential, file: SafeTensors, fail: (String) -> NNError) throws {
    guard case .object(let compile) = try parseMetadataJSON(text, key: "compile", fail: fail),
          case .object(let optimizerDescription)? = compile["optimizer"],
          let optimizerName = optimizerDescription["class_name"]?.stringValue,
          case .object(let optimizerConfig)? = optimizerDescription["config"],
          case .object(let lossDescription)? = compile["loss"], let lossName = lossDescription["name"]?.stringValue else {
        throw fail("metadata 'compile' is not the expected JSON object")
    }
    var hyperparameters: [String: Double] = [:]
    for (key, value) in optimizerConfig { if let number = value.doubleValue { hyperparameters[key] = number } }
    guard let makeOptimizer = OptimizerRegistry.make(optimizerName) else {
        throw fail("unknown optimizer '\(optimizerName)'; registered: \(OptimizerRegistry.registeredNames.joined(separator: ", ")). Register a custom optimizer with OptimizerRegistry.register(_:_:) before loading")
    }
    let optimizer = try makeOptimizer(hyperparameters)
    var lossConfig: [String: JSONValue] = [:]
    if case .object(let values)? = lossDescription["config"] { lossConfig = values }
    // Files from before losses had configs kept `from_logits` and a numeric `parameter` (Huber's delta) beside the name.
    if let logits = lossDescription["from_logits"], lossConfig["from_logits"] == nil { lossConfig["from_logits"] = logits }
    if let parameter = lossDescription["parameter"]?.doubleValue, lossConfig["delta"] == nil { lossConfig["delta"] = .number(parameter) }
    guard let loss = try LossRegistry.make(lossName, config: lossConfig) else {
        throw fail("unknown loss '\(lossName)'; built in: \(StandardLoss.knownNames.joined(separator: ", ")); registered: \(LossRegistry.registeredNames.joined(separator: ", ")). Register a custom loss with LossRegistry.register(_:_:) before loading")
    }
    var metrics: [Metric] = []
    if case .array(let names)? = compile["metrics"] {
        for value in names {
            guard let metricName = value.stringValue else { throw fail("unknown metric \(value)") }
            metrics.append(Metric(name: metricName))
        }
    }
    do {
        try model.compile(anyOptimizer: optimizer, loss: loss, metrics: metrics)
    } catch {
        throw fail("the saved compile settings are invalid: \(error)")
    }
    guard optimizerDescription["has_state"]?.boolValue == true else { return }
    for weight in model.trainableWeights {
        var arrays: [String: Tensor<Float>] = [:]
        for stateName in optimizer.stateNames(for: weight) {
            let key = "optimizer/\(model.weightPath(weight))/\(stateName)"
            arrays[stateName] = try Tensor(shape: weight.shape, scalars: try file.floats(key, expectedShape: weight.shape))
        }
        do {
            try optimizer.restoreState(arrays, for: weight)
        } catch {
            throw fail("optimizer state for '\(model.weightPath(weight))': \(error)")
        }
    }
    let iterations = optimizerDescription["iterations"]?.doubleValue ?? 0
    guard iterations >= 0, iterations == iterations.rounded(), iterations < 1e15 else {
        throw fail("optimizer iterations must be a non-negative integer, received \(iterations)")
    }
    optimizer.iterations = Int(iterations)
}

extension Sequential {
    fileprivate func loadWeights(from file: SafeTensors) throws {
        try assignWeights(from: file)
    }
}

// MARK: - File URLs
//
// Every public file API in SwiftLearn takes a `URL`; the calls the Keras tutorials make with a string
// (`model.save("model.safetensors")`, `load_model(...)`) also accept a path `String`.

extension Sequential {
    /// ``saveWeights(_:)-(String)`` for a file URL.
    public func saveWeights(_ url: URL) throws { try saveWeights(url.path) }
    /// ``loadWeights(_:)-(String)`` for a file URL.
    public func loadWeights(_ url: URL) throws { try loadWeights(url.path) }
    /// ``save(_:)-(String)`` for a file URL.
    public func save(_ url: URL) throws { try save(url.path) }
}

/// ``loadModel(_:)-(String)`` for a file URL.
public func loadModel(_ url: URL) throws -> Sequential { try loadModel(url.path) }
