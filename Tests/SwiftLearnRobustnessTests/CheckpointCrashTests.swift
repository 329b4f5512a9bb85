import XCTest
#if canImport(Glibc)
import Glibc
#endif
import SwiftLearnNN
import SwiftLearnRandom
import SwiftLearnTensor
import SwiftLearnTestSupport

/// Crash safety of `Sequential.save`: a process killed with SIGKILL at random moments while it saves
/// checkpoints in a loop never leaves a checkpoint that fails to load or differs from a completed save,
/// and the temporary file a killed save leaves (`.name.tmp-PID-TAG`) is removed by the next save to the
/// same path. The same for a save killed by SIGXFSZ (`ulimit -f`).
///
/// The child is this test binary re-executed with `SWIFTLEARN_CHECKPOINT_CHILD` set (it then runs
/// ``testCheckpointWriterChild`` as an endless save loop) or `SWIFTLEARN_CHECKPOINT_FSIZE_CHILD` (it
/// runs ``testSaveBeyondTheFileSizeLimit`` under a 64 KiB file-size limit); the parent checks the files.
final class CheckpointCrashTests: XCTestCase {
    static let childEnvironmentKey = "SWIFTLEARN_CHECKPOINT_CHILD"
    static let fileSizeChildEnvironmentKey = "SWIFTLEARN_CHECKPOINT_FSIZE_CHILD"
    /// The file-size limit of the SIGXFSZ scenarios: far below a checkpoint's ~0.7 MB.
    static let fileSizeLimit: rlim_t = 64 << 10

    /// The temporary files of saves to `checkpoint.safetensors` in `directory`.
    static func temporaries(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".checkpoint.safetensors.tmp-") }.sorted()
    }

    /// Big enough (about 0.5 MB with the optimizer's slots) that a save takes a while to write and fsync.
    static func makeModel() throws -> Sequential {
        let model = Sequential {
            Dense(256, activation: .relu, inputShape: [320])
            Dense(10, activation: .softmax)
        }
        try model.build(inputShape: [320])
        try model.compile(optimizer: SGD(learningRate: 0.01, momentum: 0.9), loss: .sparseCategoricalCrossentropy)
        return model
    }

    /// The weights of generation `generation`: every value is exact in float32 and differs between generations.
    static func weights(generation: Int, shapes: [[Int]]) throws -> [Tensor<Float>] {
        try shapes.enumerated().map { (layer, shape) in
            let count = shape.reduce(1, *)
            return try Tensor<Float>(shape: shape, scalars: (0..<count).map {
                Float(generation) + Float(($0 + 31 * layer) % 1024) / 1024
            })
        }
    }

    /// Which generation a loaded checkpoint holds (first kernel value), after checking all its weights.
    static func generation(of model: Sequential, shapes: [[Int]]) throws -> Int? {
        let loaded = model.getWeights()
        guard let first = loaded.first?.scalars.first, first == first.rounded(.down) else { return nil }
        let generation = Int(first)
        return try loaded == weights(generation: generation, shapes: shapes) ? generation : nil
    }

    // MARK: - Child mode

    /// In the child process: saves generation after generation to the path in the environment, printing
    /// `SAVED <n>` after each completed save, until killed. In a normal test run: one save/load round trip.
    func testCheckpointWriterChild() throws {
        let model = try Self.makeModel()
        let shapes = model.getWeights().map(\.shape)
        guard let spec = ProcessInfo.processInfo.environment[Self.childEnvironmentKey] else {
            let path = FileManager.default.temporaryDirectory.path + "/robustness-roundtrip-\(getpid()).safetensors"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try model.setWeights(Self.weights(generation: 7, shapes: shapes))
            try model.save(path)
            XCTAssertEqual(try Self.generation(of: loadModel(path), shapes: shapes), 7)
            return
        }
        let parts = spec.split(separator: "|", maxSplits: 1).map(String.init)
        var generation = Int(parts[0])!
        let path = parts[1]
        while true {
            try model.setWeights(Self.weights(generation: generation, shapes: shapes))
            try model.save(path)
            // Unbuffered, so the parent sees every completed save even when the kill comes right after.
            FileHandle.standardOutput.write(Data("SAVED \(generation)\n".utf8))
            generation += 1
        }
    }

    // MARK: - Parent

    /// A fresh directory holding `checkpoint.safetensors` saved from a new model at `generation`.
    static func savedCheckpoint(generation: Int) throws -> (directory: String, path: String, model: Sequential, shapes: [[Int]]) {
        let directory = try TestFiles.temporaryDirectory().path
        let path = directory + "/checkpoint.safetensors"
        let model = try makeModel()
        let shapes = model.getWeights().map(\.shape)
        try model.setWeights(weights(generation: generation, shapes: shapes))
        try model.save(path)
        return (directory, path, model, shapes)
    }

    /// This test binary re-executed to run only `test` (a child-mode test) with `environment` added.
    static func childProcess(running test: String, environment added: [String: String]) -> Process {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = ["SwiftLearnRobustnessTests.CheckpointCrashTests/\(test)"]
        child.environment = ProcessInfo.processInfo.environment.merging(added) { $1 }
        child.standardError = FileHandle.nullDevice
        return child
    }

    func testSigkillDuringSaveNeverCorruptsTheCheckpoint() throws {
        if ProcessInfo.processInfo.environment[Self.childEnvironmentKey] != nil { return }
        let (directory, path, model, shapes) = try Self.savedCheckpoint(generation: 0)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var random = RandomState(seed: 2024)
        var lastGeneration = 0
        var killsWithTemporaryLeft = 0
        let rounds = 20
        for round in 0..<rounds {
            let child = Self.childProcess(running: "testCheckpointWriterChild",
                                          environment: [Self.childEnvironmentKey: "\(lastGeneration + 1)|\(path)"])
            let output = Pipe()
            child.standardOutput = output
            try child.run()

            // Wait for two completed saves of the child's own, which also times one cycle, then kill it at a
            // random moment of the second half of the next cycle, where the file is written, synced and renamed
            // (the first half computes the weights and encodes them).
            var text = ""
            var seen: [UInt64] = []
            while seen.count < 2 {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
                let saves = text.components(separatedBy: "SAVED ").count - 1
                while seen.count < min(saves, 2) { seen.append(DispatchTime.now().uptimeNanoseconds) }
            }
            let cycle = seen.count == 2 ? max(seen[1] - seen[0], 1000) : 5_000_000
            usleep(UInt32(min(UInt64(random.randint(Int(cycle / 2000), Int(cycle / 1000) + 1)), 200_000)))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            text += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(child.terminationReason, .uncaughtSignal, "round \(round): the child exited by itself: \(text.suffix(2000))")
            XCTAssertEqual(child.terminationStatus, SIGKILL, "round \(round)")

            let reported = text.split(separator: "\n").compactMap { line in
                line.hasPrefix("SAVED ") ? Int(line.dropFirst(6)) : nil
            }
            let lastReported = try XCTUnwrap(reported.last, "round \(round): the child never completed a save: \(text.suffix(2000))")

            // The file must load and hold exactly the last reported generation, or the next one when the
            // kill came between the rename and the report.
            let restored = try loadModel(path)
            let generation = try XCTUnwrap(Self.generation(of: restored, shapes: shapes),
                                           "round \(round): the checkpoint holds weights of no saved generation")
            XCTAssertTrue(generation == lastReported || generation == lastReported + 1,
                          "round \(round): checkpoint holds generation \(generation), the child last reported \(lastReported)")
            XCTAssertEqual(restored.optimizer?.className, "SGD")
            lastGeneration = generation

            // Debris: at most the temporary file of the save this child was killed in. Earlier children's
            // were removed by this child's first save, which found their processes gone.
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0 != "checkpoint.safetensors" }
            XCTAssertLessThanOrEqual(leftovers.count, 1, "round \(round): \(leftovers)")
            for name in leftovers {
                XCTAssertTrue(name.hasPrefix(".checkpoint.safetensors.tmp-\(child.processIdentifier)-"), "round \(round): \(name)")
            }
            if !leftovers.isEmpty { killsWithTemporaryLeft += 1 }
        }
        // The next save, in this process, removes the last child's debris.
        try model.save(path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["checkpoint.safetensors"])
        // How many kills interrupted a save (its temporary file was left behind); for the log only.
        print("CheckpointCrashTests: \(rounds) SIGKILLs, \(killsWithTemporaryLeft) inside a save, last generation \(lastGeneration)")
    }

    // MARK: - File-size limit (SIGXFSZ)

    /// In the child process: saves under a 64 KiB file-size limit with SIGXFSZ at its default action, so
    /// the kernel kills the process in the middle of writing the temporary file. In a normal test run:
    /// the same save with SIGXFSZ ignored (as Python does), where the write fails with EFBIG, the save
    /// throws naming the file, and the temporary file is removed at once.
    func testSaveBeyondTheFileSizeLimit() throws {
        let model = try Self.makeModel()
        let shapes = model.getWeights().map(\.shape)
        if let path = ProcessInfo.processInfo.environment[Self.fileSizeChildEnvironmentKey] {
            try model.setWeights(Self.weights(generation: 2, shapes: shapes))
            var limit = rlimit()
            _ = getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
            limit.rlim_cur = Self.fileSizeLimit
            XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit), 0)
            try model.save(path)
            FileHandle.standardOutput.write(Data("SURVIVED\n".utf8))
            return
        }
        let (directory, path, _, _) = try Self.savedCheckpoint(generation: 1)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var saved = rlimit()
        XCTAssertEqual(getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved), 0)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var lowered = saved
        lowered.rlim_cur = Self.fileSizeLimit
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &lowered), 0)
        try model.setWeights(Self.weights(generation: 2, shapes: shapes))
        let failure = Result { try model.save(path) }
        _ = setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved)
        signal(SIGXFSZ, previousHandler)

        XCTAssertThrowsError(try failure.get()) { error in
            XCTAssertTrue("\(error)".hasPrefix(path + ": write failed at byte offset "), "\(error)")
            XCTAssertTrue("\(error)".contains("File too large"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["checkpoint.safetensors"])
        XCTAssertEqual(try Self.generation(of: loadModel(path), shapes: shapes), 1)
    }

    /// A save killed by SIGXFSZ leaves its temporary file (cut at the limit) and the old checkpoint; the
    /// next save to the path removes the temporary file, whose process is gone.
    func testSaveKilledBySIGXFSZLeavesDebrisTheNextSaveRemoves() throws {
        if ProcessInfo.processInfo.environment[Self.fileSizeChildEnvironmentKey] != nil { return }
        let (directory, path, model, shapes) = try Self.savedCheckpoint(generation: 1)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let child = Self.childProcess(running: "testSaveBeyondTheFileSizeLimit", environment: [Self.fileSizeChildEnvironmentKey: path])
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationReason, .uncaughtSignal, "the child was not killed: \(text.suffix(2000))")
        XCTAssertEqual(child.terminationStatus, SIGXFSZ)

        let debris = try Self.temporaries(in: directory)
        XCTAssertEqual(debris.count, 1, "\(debris)")
        XCTAssertTrue(debris.first?.hasPrefix(".checkpoint.safetensors.tmp-\(child.processIdentifier)-") == true, "\(debris)")
        let size = try FileManager.default.attributesOfItem(atPath: directory + "/" + debris[0])[.size] as? Int
        XCTAssertEqual(size, Int(Self.fileSizeLimit))
        XCTAssertEqual(try Self.generation(of: loadModel(path), shapes: shapes), 1, "the old checkpoint is intact")

        try model.setWeights(Self.weights(generation: 3, shapes: shapes))
        try model.save(path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["checkpoint.safetensors"])
        XCTAssertEqual(try Self.generation(of: loadModel(path), shapes: shapes), 3)
    }
}
