import Glibc

/// Memory figures of this process from `/proc/self/status` (Linux).
public enum ProcessMemory {
    /// The value in kB of a `/proc/self/status` field such as `VmRSS` (resident set) or `VmHWM` (its peak);
    /// nil when the file or the field is absent.
    public static func kilobytes(_ field: String) -> Int? {
        statusFields([field])[field]
    }

    /// Resident set size and its peak (VmRSS, VmHWM) in kB; 0 for a figure that cannot be read.
    public static func residentAndPeakKilobytes() -> (rss: Int, peak: Int) {
        let fields = statusFields(["VmRSS", "VmHWM"])
        return (fields["VmRSS"] ?? 0, fields["VmHWM"] ?? 0)
    }

    private static func statusFields(_ names: Set<String>) -> [String: Int] {
        guard let file = fopen("/proc/self/status", "r") else { return [:] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        var result: [String: Int] = [:]
        // Lines look like "VmHWM:\t  123456 kB".
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            guard names.contains(name) else { continue }
            result[name] = Int(String(line[colon...].filter(\.isNumber)))
        }
        return result
    }
}
