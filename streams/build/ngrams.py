"""Build the language stage's n-gram tables from lingua's published models.

lingua's pure-Python releases (1.x) carry, per language, the relative frequencies of letter
1- to 5-grams as brotli-compressed JSON. This reads them from the 1.x wheel (downloaded from
PyPI with pip when none is given) and writes five sorted hash tables as ``.npy`` files, which
:class:`streams.processors.language.ngrams.NgramModel` memory-maps.

    python -m streams.build.ngrams [--out DIR] [--wheel WHEEL]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from streams.processors.language.ngrams import DEFAULT_DIR, FORMAT, ORDERS, hash_rows

LINGUA_RELEASE = "lingua-language-detector==1.3.5"
_MODELS_IN_WHEEL = "lingua/language-models/"


def _download_wheel(dest: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(dest),
            LINGUA_RELEASE,
        ],
        check=True,
    )
    return next(dest.glob("lingua_language_detector-*.whl"))


def build(out: Path = DEFAULT_DIR, wheel: Path | None = None) -> Path:
    """Read lingua's n-gram models from its 1.x wheel (downloaded from PyPI when not given)
    and write the hash tables to ``out``."""
    import brotli

    with tempfile.TemporaryDirectory() as tmp:
        wheel = wheel or _download_wheel(Path(tmp))
        with zipfile.ZipFile(wheel) as zf:
            names = [
                n
                for n in zf.namelist()
                if n.startswith(_MODELS_IN_WHEEL) and n.endswith(".json.br")
            ]
            langs = sorted({n[len(_MODELS_IN_WHEEL) :].split("/")[0] for n in names})
            arrays: dict[str, npt.NDArray[np.generic]] = {}
            for order, name in enumerate(ORDERS, 1):
                hashes, lang_ids, logps = [], [], []
                rarest = np.full(len(langs), np.nan, dtype=np.float32)
                for li, lang in enumerate(langs):
                    member = f"{_MODELS_IN_WHEEL}{lang}/{name}.json.br"
                    if member not in names:
                        continue  # lingua has only unigrams for Chinese, Japanese and Korean
                    model = json.loads(brotli.decompress(zf.read(member)))
                    grams: list[str] = []
                    probs: list[float] = []
                    for fraction, joined in model["ngrams"].items():
                        num, den = fraction.split("/")
                        words = joined.split(" ")
                        grams += words
                        probs += [float(np.log(int(num) / int(den)))] * len(words)
                    if not grams:
                        continue
                    cp = np.frombuffer("".join(grams).encode("utf-32-le"), dtype=np.uint32).astype(
                        np.uint64
                    )
                    hashes.append(hash_rows(cp.reshape(-1, order)))
                    lang_ids.append(np.full(len(grams), li, dtype=np.uint8))
                    logps.append(np.asarray(probs, dtype=np.float32))
                    rarest[li] = min(probs)
                h = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
                lang_id = np.concatenate(lang_ids) if lang_ids else np.zeros(0, dtype=np.uint8)
                logp = np.concatenate(logps) if logps else np.zeros(0, dtype=np.float32)
                by = np.lexsort((lang_id, h))
                h, lang_id, logp = h[by], lang_id[by], logp[by]
                keys, starts = np.unique(h, return_index=True)
                arrays[f"keys{order}"] = keys
                arrays[f"starts{order}"] = np.append(starts, len(h)).astype(np.int32)
                arrays[f"lang{order}"] = lang_id
                arrays[f"logp{order}"] = logp
                arrays[f"rarest{order}"] = rarest
    out.mkdir(parents=True, exist_ok=True)
    for name, arr in arrays.items():
        np.save(out / f"{name}.npy", arr)
    (out / "meta.json").write_text(
        json.dumps({"format": FORMAT, "source": LINGUA_RELEASE, "languages": langs}) + "\n"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        description="build the language n-gram tables from lingua's 1.x wheel"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR)
    parser.add_argument(
        "--wheel", type=Path, default=None, help="a downloaded lingua-language-detector 1.x wheel"
    )
    args = parser.parse_args(argv)
    path = build(args.out, args.wheel)
    size = sum(f.stat().st_size for f in path.iterdir())
    print(f"language n-gram tables in {path} ({size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
