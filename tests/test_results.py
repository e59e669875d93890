"""What a build gives back, and the cache's answer for an unchanged build (`results`):
up to date, restored when the file went, a miss as soon as one edition's inputs are new."""

from __future__ import annotations

from pathlib import Path

from reportbuilder.cache import Cache, Entry, sha256
from reportbuilder.edition import Edition
from reportbuilder.results import Clock, from_cache, unchanged

WARNING = {
    "path": "content/01-overview.md",
    "line": 3,
    "message": "missing file assets/gone.png",
    "stage": "project",
    "severity": "warning",
}


def _built(cache: Cache, edition: Edition, variant: str | None, data: bytes) -> str:
    """Store a build of `data` for these inputs, as `build` and `build_editions` do; returns
    where it was written."""
    target = cache.root / "out" / f"{variant or 'report'}-{edition.lang or 'default'}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    inputs = cache.inputs_key(
        edition=edition, variant=variant, assignments=(), output=None, format=None
    )
    config = f'{{"variant": "{variant}"}}'
    key = cache.key(config=config, edition=edition, theme_folders=(), output=None, format=None)
    entry = Entry(str(target), "pdf", sha256(data), 3, [WARNING])
    cache.put(key, entry, data)
    cache.remember(inputs, config=config, theme_folders=())
    return str(target)


def _inputs(cache: Cache, editions: list[tuple[str | None, Edition]]) -> list[str]:
    return [
        cache.inputs_key(edition=e, variant=v, assignments=(), output=None, format=None)
        for v, e in editions
    ]


def test_up_to_date_then_restored_with_the_warnings_of_the_build(tmp_path: Path) -> None:
    (tmp_path / "report.yml").write_text("title: T\n")
    cache = Cache(tmp_path)
    editions = [(None, Edition(lang="fr")), ("a5", Edition(lang="en"))]
    targets = [_built(cache, e, v, f"%PDF {v}".encode()) for v, e in editions]
    results = unchanged(cache, editions, _inputs(cache, editions))
    assert results is not None
    assert [r.outputs[0].path for r in results] == targets
    assert [r.outputs[0].cached for r in results] == ["up to date", "up to date"]
    assert [str(p) for r in results for p in r.problems] == [
        "content/01-overview.md:3: missing file assets/gone.png"
    ] * 2
    assert results[0].project == str(tmp_path.resolve()) and results[0].outputs[0].pages == 3
    Path(targets[1]).unlink()
    again = unchanged(cache, editions, _inputs(cache, editions))
    assert again is not None and again[1].outputs[0].cached == "restored"
    assert Path(targets[1]).read_bytes() == b"%PDF a5"


def test_one_edition_with_new_inputs_means_building(tmp_path: Path) -> None:
    (tmp_path / "report.yml").write_text("title: T\n")
    cache = Cache(tmp_path)
    editions = [(None, Edition(lang="fr")), (None, Edition(lang="en"))]
    _built(cache, *reversed(editions[0]), b"%PDF fr")
    assert unchanged(cache, editions, _inputs(cache, editions)) is None  # en never built
    _built(cache, *reversed(editions[1]), b"%PDF en")
    assert unchanged(cache, editions, _inputs(cache, editions)) is not None
    (tmp_path / "report.yml").write_text("title: T2\n")  # every input is new
    assert unchanged(cache, editions, _inputs(cache, editions)) is None
    forced = Cache(tmp_path, read=False)
    assert unchanged(forced, editions, _inputs(forced, editions)) is None


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert from_cache(cache, "nothing", str(tmp_path), Clock()) is None
    edition = Edition()
    _built(cache, edition, None, b"%PDF x")
    [data] = cache.folder.glob("*.bin")
    data.write_bytes(b"%PDF changed")
    assert unchanged(cache, [(None, edition)], _inputs(cache, [(None, edition)])) is None
