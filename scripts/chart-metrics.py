"""Writes src/reportbuilder/compose/chart_metrics.json: the advance widths (in em) of the
theme's Inter Regular and Bold for Latin, Greek and Cyrillic letters, digits and common
signs, which the charts use to leave room for their labels. Run it after changing the
theme's fonts: `.venv/bin/python scripts/chart-metrics.py`."""

from __future__ import annotations

import json
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "src" / "reportbuilder" / "themes" / "base" / "fonts"
OUT = ROOT / "src" / "reportbuilder" / "compose" / "chart_metrics.json"
RANGES = [(0x20, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x2000, 0x206F), (0x20A0, 0x20CF),
          (0x2100, 0x215F), (0x2190, 0x21FF), (0x2200, 0x22FF)]  # fmt: skip


def widths(font: Path) -> dict[str, float]:
    face = TTFont(font, lazy=True)
    cmap = face.getBestCmap()
    metrics = face["hmtx"].metrics
    em = face["head"].unitsPerEm
    return {
        chr(code): round(metrics[cmap[code]][0] / em, 3)
        for low, high in RANGES
        for code in range(low, high + 1)
        if code in cmap
    }


def main() -> None:
    table = {
        "regular": widths(FONTS / "Inter-Regular.otf"),
        "bold": widths(FONTS / "Inter-Bold.otf"),
    }
    OUT.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(table['regular'])} characters")


if __name__ == "__main__":
    main()
