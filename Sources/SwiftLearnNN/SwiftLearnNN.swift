// SwiftLearnNN: Keras-style layers, models and training.
//
// The tutorial code, in Swift:
//
//     // trainX: [48000, 28, 28] pixels / 255, trainY: [48000] class indices; valX, valY likewise
//     setRandomSeed(42)
//     let model = Sequential {
//         Flatten(inputShape: [28, 28])
//         Dense(100, activation: .relu)
//         Dropout(0.3)
//         Dense(10, activation: .softmax)
//     }
//     try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
//     let history = try model.fit(trainX, trainY, epochs: 20, validationData: (valX, valY),
//                                 callbacks: [ModelCheckpoint("best-model.safetensors", saveBestOnly: true),
//                                             EarlyStopping(patience: 2, restoreBestWeights: true)],
//                                 verbose: 0)
//     history["val_loss"]                     // one value per epoch
//     try model.evaluate(valX, valY)          // ["loss": ..., "accuracy": ...]
//     try model.summary()
//     let best = try loadModel("best-model.safetensors")
//
// Design notes (the why; each type documents its own formulas):
//
// - Names: like Keras's global uniquification, a layer created without a name takes its class name in
//   snake case and the process-wide count for it (`dense`, `dense_1`, ... across models), guarded by a
//   lock; `clearSession()` resets the counts. Loading keeps the saved names; weights files match by position.
// - Randomness: `setRandomSeed(_:)` restarts one numpy-MT19937 seed stream; every layer's initializer and
//   dropout generator and every `fit`'s shuffling draw their own seed from it, in build/call order. No
//   result depends on the thread count: matrix products split over output blocks only (SwiftLearnGEMM)
//   and the optimizer's elementwise update over disjoint chunks.
// - Speed: the training loop works on raw buffers that grow to the largest batch once and are reused;
//   Flatten shares its input's storage; the last softmax/sigmoid is fused into the cross-entropy (gradient
//   `p - y`, loss from the logits); back-propagation skips the input gradient of the first layer with
//   weights; every matrix product is one `sgemm` call with transpose flags instead of copies.
// - Files: weights and whole models are safetensors files (8-byte header length, JSON header, little-endian
//   float32 data) that Python's `safetensors` and plain numpy read. A model file carries the architecture,
//   the compile settings and the optimizer state in its metadata and tensors, so training resumes exactly.
//   Every write goes to a temporary file in the same directory, is fsynced and renamed into place.
@_exported import SwiftLearnBatches
