"""Reference timings for inflate-bench: Python's gzip.decompress (zlib underneath) and `gzip -dc`.

Usage: python3 reference.py FILE RUNS
Prints one line per tool: `<name> <median wall seconds> <median CPU seconds> <output bytes> <crc32 of output>`.
CPU time (user + system) is less disturbed than wall time when other processes share the machine.
"""
import gzip
import resource
import statistics
import subprocess
import sys
import time
import zlib


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_times(function, runs, cpu_clock):
    walls, cpus = [], []
    result = None
    for _ in range(runs):
        cpu_start, start = cpu_clock(), time.perf_counter()
        result = function()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_clock() - cpu_start)
    return statistics.median(walls), statistics.median(cpus), result


def main():
    path, runs = sys.argv[1], int(sys.argv[2])
    with open(path, "rb") as handle:
        compressed = handle.read()
    wall, cpu, output = median_times(lambda: gzip.decompress(compressed), runs, time.process_time)
    print(f"python-gzip.decompress {wall:.6f} {cpu:.6f} {len(output)} {zlib.crc32(output):08x}")
    # gzip -dc includes process start-up and the pipe; the file comes from the page cache.
    wall, cpu, output = median_times(
        lambda: subprocess.run(["gzip", "-dc", path], check=True, stdout=subprocess.PIPE).stdout, runs, children_cpu)
    print(f"gzip-dc {wall:.6f} {cpu:.6f} {len(output)} {zlib.crc32(output):08x}")


if __name__ == "__main__":
    main()
