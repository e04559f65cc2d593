"""Concordance search (``mtfix tm search``): the same units on both backends, from an index on the server."""

from __future__ import annotations

from mtfix.core.models import TmUnit
from mtfix.store import pg_memory
from mtfix.store.pg_memory import PgMemory, init_schema

UNITS = [
    TmUnit("The Energy policy of the council.", "Die Energiepolitik des Rates.", "en", "de"),
    TmUnit("Energy prices rose by 100% in a year.", "Die Energiepreise stiegen um 100% in einem Jahr.", "en", "de"),
    TmUnit("A file named report_2024.txt.", "Eine Datei namens report_2024.txt.", "en", "de"),
    TmUnit("The path C:\\temp\\energy is wrong.", "Der Pfad C:\\temp\\energy ist falsch.", "en", "de"),
    TmUnit("Über die Brücke.", "Across the bridge.", "de", "en"),
    TmUnit("The energy policy, in French.", "La politique énergétique.", "en", "fr"),
    TmUnit("Nothing to see.", "Nichts zu sehen.", "en", "de"),
]


def sources(units) -> list[str]:
    return [u.source for u in units]


def test_concordance_finds_phrases_in_either_side_in_memory_order(memory):
    """A phrase is found in sources and targets, ASCII case ignored, in the order units were stored."""
    memory.import_units(UNITS)
    assert sources(memory.search("ENERGY POLICY")) == [UNITS[0].source, UNITS[5].source]
    assert sources(memory.search("energiepreise")) == [UNITS[1].source]  # only in a target
    assert sources(memory.search("energy", limit=2)) == [UNITS[0].source, UNITS[1].source]
    assert sources(memory.search("nowhere at all")) == []


def test_concordance_takes_wildcards_and_backslashes_literally(memory):
    """%, _ and \\ in a phrase match themselves, not any character."""
    memory.import_units(UNITS)
    assert sources(memory.search("100%")) == [UNITS[1].source]
    assert sources(memory.search("report_2024")) == [UNITS[2].source]
    assert sources(memory.search("report_2")) == [UNITS[2].source]
    assert sources(memory.search("reportX2024")) == []
    assert sources(memory.search("C:\\temp\\energy")) == [UNITS[3].source]
    assert sources(memory.search("%")) == [UNITS[1].source]


def test_concordance_folds_ascii_case_only_and_filters_languages(memory):
    """Non-ASCII letters keep their case (as SQLite does); language filters narrow the units."""
    memory.import_units(UNITS)
    assert sources(memory.search("über")) == []
    assert sources(memory.search("Über")) == [UNITS[4].source]
    assert sources(memory.search("BRüCKE")) == [UNITS[4].source]
    assert sources(memory.search("BRÜCKE")) == []
    assert sources(memory.search("energy", target_language="fr")) == [UNITS[5].source]
    assert sources(memory.search("bridge", source_language="de")) == [UNITS[4].source]
    assert sources(memory.search("bridge", source_language="en")) == []


def plan(memory: PgMemory, phrase: str) -> str:
    _, (sql, params) = pg_memory._search_queries(phrase, None, None, 100)
    with memory._connection() as conn, conn.transaction():
        # as search() does when the first units do not answer: can the trigram indexes serve?
        conn.execute("SET LOCAL enable_seqscan = off")
        conn.execute("SET LOCAL enable_indexscan = off")
        return "\n".join(r[0] for r in conn.execute(f"EXPLAIN {sql}", params))


def test_server_concordance_reads_the_trigram_indexes(pg_url):
    """On the server, a concordance search can be answered from the trigram indexes of both sides."""
    init_schema(pg_url)
    with PgMemory(pg_url) as memory:
        memory.import_units(UNITS)  # into an empty memory: the indexes are rebuilt after loading
        memory.import_units([TmUnit("One more energy unit.", "Noch eine.", "en", "de")])  # into the standing ones
        explained = plan(memory, "energy policy")
        assert "tm_units_source_trigrams" in explained and "tm_units_target_trigrams" in explained
        assert sources(memory.search("energy unit")) == ["One more energy unit."]


def test_version_2_memory_is_upgraded_to_concordance_indexes(pg_url):
    """A memory made by the previous mtfix drops its unused trigram index and gains the concordance ones."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE mtfix_schema (version INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())")
        for version, statements in pg_memory.MIGRATIONS:
            if version <= 2:
                for statement in statements:
                    statement(conn) if callable(statement) else conn.execute(statement)
                conn.execute("INSERT INTO mtfix_schema (version) VALUES (%s)", (version,))
        for unit in UNITS:
            pg_memory._insert(conn, pg_memory._row_values(unit))
        conn.execute("INSERT INTO tm_word_counts SELECT word, length, count(*) FROM tm_words GROUP BY 1, 2")
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'tm_units'")}
        assert "tm_units_trigrams" in indexes
    with PgMemory(pg_url) as memory:
        with memory._connection() as conn:
            indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'tm_units'")}
            version = conn.execute("SELECT max(version) FROM mtfix_schema").fetchone()[0]
        assert version == pg_memory.LATEST == 3
        assert "tm_units_trigrams" not in indexes
        assert {"tm_units_source_trigrams", "tm_units_target_trigrams"} <= indexes
        assert sources(memory.search("Energiepolitik")) == [UNITS[0].source]
        assert [m.unit.target for m in memory.fuzzy("The Energy policy of the councils.")] == [UNITS[0].target]
        assert "tm_units_source_trigrams" in plan(memory, "energy policy")


def test_server_concordance_gives_the_same_units_from_the_first_units_and_the_indexes(pg_url, monkeypatch):
    """Whether the first units answer or the trigram indexes do, the first matches in memory order come back."""
    monkeypatch.setattr(pg_memory, "SEARCH_PREFIX", 3)
    init_schema(pg_url)
    texts = ["Common phrase one.", "Common phrase two.", "Rare word early.", "Common phrase three.",
             "Nothing here.", "Rare word late.", "Common phrase four.", "Only at the end."]
    with PgMemory(pg_url) as memory:
        memory.import_units([TmUnit(t, t.upper()) for t in texts])
        assert sources(memory.search("common phrase", limit=2)) == texts[:2]  # the first units answer
        assert sources(memory.search("common phrase", limit=3)) == [texts[0], texts[1], texts[3]]
        assert sources(memory.search("rare word", limit=2)) == [texts[2], texts[5]]
        assert sources(memory.search("AT THE END", limit=5)) == [texts[7]]
        assert sources(memory.search("common phrase", limit=None)) == [texts[0], texts[1], texts[3], texts[6]]
        assert sources(memory.search("common phrase", limit=0)) == []
