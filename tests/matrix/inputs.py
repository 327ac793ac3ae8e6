"""The determinism matrix's inputs, generated deterministically (no files of
the checkout are read, so the inputs never change unless this file does):
text in English and Chinese (the golden inputs of tests/test_golden.cpp),
mixed scripts with every byte value and invalid UTF-8, seeded random bytes,
long runs, log-like lines, the empty and a 1-byte input, and (full set only)
a stream longer than two 1 MiB blocks.

GOLDEN reproduces the golden inputs of tests/test_golden.cpp byte for byte;
matrix.py checks them against the '# input' lines of tests/golden/golden.txt.
"""

import subprocess

M64 = (1 << 64) - 1

ENGLISH = (
    "Compression is prediction in disguise. A model reads the data seen so far and guesses "
    "what comes next; an arithmetic coder then spends about minus log two of the probability "
    "on the symbol that actually arrives. The better the guess, the fewer the bits. Because "
    "the decoder runs the very same model on the very same history, it can rebuild every "
    "prediction and undo the coding, one bit at a time. Nothing may differ between the two "
    "sides: not a rounding, not a table, not the order in which numbers are added. That is "
    "why the coding path uses integers only, and why the tests keep golden vectors.\n"
)

CHINESE = (
    "数据压缩的本质是预测。模型读取已经出现的内容，估计下一个字节的概率；"
    "算术编码器再根据这个概率为实际出现的符号分配比特。预测越准确，所需的比特越少。"
    "解码器运行完全相同的模型，处理完全相同的历史，因此能够逐位重建每一次预测并还原数据。"
    "两端不能有任何差异：不能有不同的舍入，不能有不同的查找表，也不能有不同的求和顺序。"
    "红楼梦、论语和现代技术文档都可以用来检验压缩器对中文文本的处理能力。\n"
)


class SplitMix64:
    """tests/test_util.h's SplitMix64."""

    def __init__(self, seed):
        self.state = seed & M64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def below(self, n):
        return (self.next() >> 32) % n

    def byte(self):
        return self.next() >> 56


def random_bytes(n, seed):
    rng = SplitMix64(seed)
    return bytes(rng.byte() for _ in range(n))


def log_pattern(n):
    """tests/test_golden.cpp's log_pattern: log-like lines (a prefix of a
    longer one is the shorter one)."""
    levels = ["INFO", "INFO", "INFO", "WARN", "DEBUG", "ERROR"]
    events = ["request served", "cache miss", "cache hit", "connection closed", "retrying", "block flushed"]
    rng = SplitMix64(0x6C6F67)
    parts, size, t = [], 0, 1700000000
    while size < n:
        t += rng.below(5)
        line = f"{t} {levels[rng.below(6)]} worker-{rng.below(8)} {events[rng.below(6)]} id="
        ident = rng.next() >> 40
        line += "".join("0123456789abcdef"[(ident >> k) & 15] for k in range(20, -1, -4))
        line += f" bytes={rng.below(70000)}"
        line += f" ms={rng.below(300)}\n"
        parts.append(line)
        size += len(line)
    return "".join(parts).encode()[:n]


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def level_table(lmzip):
    """The core's level table, as `lmzip --levels` prints it: a list of
    dicts with the header's keys (level, model, profile, memory_bytes,
    default), level as an int."""
    lines = subprocess.run([str(lmzip), "--levels"], check=True, capture_output=True, text=True).stdout.splitlines()
    keys = lines[0].split("\t")
    rows = [dict(zip(keys, line.split("\t"))) for line in lines[1:]]
    for row in rows:
        row["level"] = int(row["level"])
    return rows


def inputs(table, reduced=False):
    """[(name, bytes, levels)] for the level table `table` (level_table()).
    Both sets have every level of every input (but the multi-block one); the
    reduced set (for CI) has shorter inputs: under qemu-user the neural
    levels code ~1-2 KB/s."""
    ALL_LEVELS = tuple(row["level"] for row in table)
    adaptive_levels = tuple(row["level"] for row in table if row["model"] == "none")
    mixed = (
        f"{ENGLISH}\n{CHINESE}\n{'Ünïcödé — ✓ 🚀 ' * 20}\n".encode() + bytes(range(256)) + b"\xff\xfe\xc0\x80"
    )
    k = 1 if reduced else 4  # KiB
    runs = b"\0" * (512 * k) + b"ab" * (128 * k) + bytes(range(256)) * k
    out = [
        ("empty", b"", ALL_LEVELS),
        ("a", b"a", ALL_LEVELS),
        ("english", ENGLISH.encode(), ALL_LEVELS),
        ("chinese", CHINESE.encode(), ALL_LEVELS),
        ("mixed", mixed, ALL_LEVELS),
        (f"random{k}k", random_bytes(1024 * k, 0x4C4D5A0001), ALL_LEVELS),
        (f"runs{k}k", runs, ALL_LEVELS),
        (f"pattern{2 * k}k", log_pattern(2048 * k), ALL_LEVELS),
        # In 1 KiB frames on several threads (matrix.py's FRAMED).
        (f"framed{2 * k}k", log_pattern(2048 * k + 100), ("1:1024", "3:1024")),
    ]
    if not reduced:
        # Two blocks and a bit (blocks are 1 MiB): the models carry over
        # block boundaries. The levels without a neural model only: the
        # neural levels would take half an hour under emulation.
        out.append(("multiblock", log_pattern(2_200_000), adaptive_levels))
    return out


GOLDEN = {  # name -> the generator, for the check against golden.txt
    "empty": lambda: b"",
    "a": lambda: b"a",
    "english": lambda: ENGLISH.encode(),
    "random4k": lambda: random_bytes(4096, 0x4C4D5A0001),
    "pattern64k": lambda: log_pattern(65536),
    "chinese": lambda: CHINESE.encode(),
}
