"""Which return is current: saved order within an inbox, announced replacements, returns kept on record
and not used, re-sent files, and making an earlier submission current by hand (real workbooks, real SQLite)."""

from __future__ import annotations

import datetime as dt
import getpass
import shutil

from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.master.store import Store
from pmf_pipeline.returns.current import day
from pmf_pipeline.returns.ingest import collect_files, ingest
from pmf_pipeline.workbook.fill import fill_return
from tests.conftest import CONFIG, PERIOD
from tests.returns.test_validate import full

FOUR = {"SSM/026": dict(actual=200), "SSM/027": dict(actual=300), "SSM/030": dict(actual=12), "PAM/028": dict(numerator=850)}


def saved(month: int, d: int) -> dt.datetime:
    return dt.datetime(2026, month, d, 9, 30)


def today() -> str:
    return day(dt.datetime.now(dt.timezone.utc), year=True)


def current_values(data):
    store = Store(data)
    try:
        return {ref: r["actual"] for ref, r in store.values(str(PERIOD)).items()}, store.submissions(str(PERIOD))
    finally:
        store.close()


def test_an_inbox_is_taken_in_the_order_returns_were_saved_not_by_file_name(blank, config, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # 'return (1).xlsx' sorts before 'return.xlsx', but it is the correction, saved later
    fill_return(blank("SS"), full(config, "SS"), inbox / "return.xlsx", saved_at=saved(10, 20))
    fill_return(blank("SS"), full(config, "SS", **FOUR), inbox / "return (1).xlsx", saved_at=saved(10, 22))
    files = collect_files([inbox])
    assert [f.name for f in files] == ["return (1).xlsx", "return.xlsx"]
    summary = ingest(CONFIG, tmp_path / "data", PERIOD, files)
    values, subs = current_values(tmp_path / "data")
    assert values["SSM/026"] == "200" and values["SSM/030"] == "12"
    assert [s.file_name.rsplit("/", 1)[-1] for s in subs] == ["return.xlsx", "return (1).xlsx"]  # consolidated in saved order
    assert subs[0].superseded_by == subs[1].id and subs[1].current
    corrected = next(o for o in summary.outcomes if o.result.file.endswith("return (1).xlsx"))
    assert corrected.current
    assert corrected.notice == f"replaces the SS return received {today()} (saved 20 October): 4 figures changed"
    assert subs[1].notice == corrected.notice  # recorded in the master dataset
    assert [o.result.file.rsplit("/", 1)[-1] for o in summary.outcomes] == ["return (1).xlsx", "return.xlsx"]  # reported as given


def test_the_replacement_notice_is_printed_by_ingest(blank, config, tmp_path):
    data = tmp_path / "data"
    first = fill_return(blank("SS"), full(config, "SS"), tmp_path / "ss.xlsx", saved_at=saved(10, 21))
    second = fill_return(blank("SS"), full(config, "SS", **{"SSM/026": dict(actual=200)}), tmp_path / "ss2.xlsx", saved_at=saved(10, 22))
    CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(first)])
    r = CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(second)])
    assert f"      current: replaces the SS return received {today()} (saved 21 October): 1 figure changed\n" in r.output


def test_a_blank_return_does_not_replace_one_with_figures(blank, config, tmp_path):
    data = tmp_path / "data"
    good = fill_return(blank("SS"), full(config, "SS"), tmp_path / "good.xlsx", saved_at=saved(10, 21))
    ingest(CONFIG, data, PERIOD, [good])
    before, _ = current_values(data)
    empty = fill_return(blank("SS"), {}, tmp_path / "empty.xlsx", saved_at=saved(10, 25))  # sent by mistake, saved later
    outcome = ingest(CONFIG, data, PERIOD, [empty]).outcomes[0]
    assert outcome.status == "accepted" and not outcome.current
    assert outcome.notice == (
        f"has no figures, so the SS return received {today()} (saved 21 October) stays current; if you meant to withdraw it, "
        f'make this return current with: pmf returns --period {PERIOD} --use 2 --reason "..."'
    )
    after, subs = current_values(data)
    assert after == before and subs[0].current and subs[1].superseded_by == subs[0].id
    store = Store(data)
    assert store.db.execute("SELECT COUNT(*) FROM pi_values WHERE submission_id = 2 AND current = 1").fetchone()[0] == 0
    store.close()
    h = CliRunner().invoke(main, ["--data", str(data), "returns", "--period", str(PERIOD), "--history"])
    assert "; kept on record, not used (#1 was current)\n" in h.output and f"          has no figures, so the SS return received {today()}" in h.output


def test_a_return_saved_before_the_current_one_is_kept_on_record_not_used(blank, config, tmp_path):
    data = tmp_path / "data"
    ingest(CONFIG, data, PERIOD, [fill_return(blank("SS"), full(config, "SS"), tmp_path / "new.xlsx", saved_at=saved(10, 21))])
    older = fill_return(blank("SS"), full(config, "SS", **FOUR), tmp_path / "old.xlsx", saved_at=saved(10, 20))
    outcome = ingest(CONFIG, data, PERIOD, [older]).outcomes[0]
    assert not outcome.current
    assert outcome.notice == (
        f'saved 20 October, before the current return saved 21 October: kept on record, not used. To use it instead: pmf returns --period {PERIOD} --use 2 --reason "..."'
    )
    values, subs = current_values(data)
    assert values["SSM/026"] != "200" and subs[0].current


def test_resending_the_good_file_after_a_bad_one_says_how_to_use_it_and_use_makes_it_current(blank, config, tmp_path):
    data = tmp_path / "data"
    good = fill_return(blank("SS"), full(config, "SS"), tmp_path / "good.xlsx", saved_at=saved(10, 21))
    bad = fill_return(blank("SS"), full(config, "SS", **FOUR), tmp_path / "bad.xlsx", saved_at=saved(10, 23))
    ingest(CONFIG, data, PERIOD, [good])
    ingest(CONFIG, data, PERIOD, [bad])
    assert current_values(data)[0]["SSM/026"] == "200"
    again = shutil.copy(good, tmp_path / "good again.xlsx")
    r = CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(again)])
    assert "  SAME      good again.xlsx: already received on " in r.output
    assert (
        f"(as good.xlsx); nothing changed. That return is not the current one (the SS return received {today()} (saved 23 October) is); "
        f'to make it current again: pmf returns --period {PERIOD} --use 1 --reason "..."\n'
    ) in r.output
    u = CliRunner().invoke(
        main, ["--data", str(data), "returns", "--period", str(PERIOD), "--use", "1", "--reason", "bad.xlsx was sent by mistake", "--by", "Siân Evans"]
    )
    assert u.exit_code == 0, u.output
    assert u.output.startswith(f"Submission #1 (good.xlsx) is now current, in place of the SS return received {today()} (saved 23 October) (#2).\n")
    values, subs = current_values(data)
    assert values["SSM/026"] != "200" and subs[0].current and subs[1].superseded_by == 1
    store = Store(data)
    (event,) = store.use_events(str(PERIOD))
    assert (event.submission_id, event.replaced_id, event.made_by, event.reason) == (1, 2, "Siân Evans", "bad.xlsx was sent by mistake")
    assert store.db.execute("SELECT COUNT(*) FROM pi_values WHERE current = 1 AND submission_id = 2").fetchone()[0] == 0
    store.close()
    # Re-sent once more, it is the current one: nothing to add
    r2 = CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(again)])
    assert "nothing changed.\n" in r2.output and "not the current one" not in r2.output
    h = CliRunner().invoke(main, ["--data", str(data), "returns", "--period", str(PERIOD), "--history"])
    assert h.exit_code == 0, h.output
    assert "  SS\n    #1    good.xlsx: received " in h.output and "; accepted, 0 errors, 0 warnings; CURRENT\n" in h.output
    (line,) = [x for x in h.output.splitlines() if x.startswith("    #2 ")]
    assert line.startswith("    #2    bad.xlsx: received ") and ", saved 23 Oct 2026 09:30; accepted, " in line and line.endswith("; replaced by #1 by hand")
    assert f"          replaces the SS return received {today()} (saved 21 October): 4 figures changed\n" in h.output
    assert "  Made current by hand: #1 in place of #2, by Siân Evans on " in h.output and ": bad.xlsx was sent by mistake\n" in h.output


def test_use_by_file_name_or_hash_defaults_to_the_login_name_and_refuses_what_it_cannot_use(blank, config, tmp_path):
    data = tmp_path / "data"
    first = fill_return(blank("SS"), full(config, "SS"), tmp_path / "first.xlsx", saved_at=saved(10, 21))
    second = fill_return(blank("SS"), full(config, "SS", **FOUR), tmp_path / "second.xlsx", saved_at=saved(10, 22))
    (tmp_path / "junk.xlsx").write_bytes(b"not a workbook")
    ingest(CONFIG, data, PERIOD, [first, second, tmp_path / "junk.xlsx"])  # the rejected file is recorded first (#1): it waits for nothing

    def use(*args):
        return CliRunner().invoke(main, ["--data", str(data), "returns", "--period", str(PERIOD), *args])

    r = use("--use", "first.xlsx", "--reason", "figures agreed with the service")
    assert r.exit_code == 0 and "Submission #2 (first.xlsx) is now current" in r.output
    store = Store(data)
    sha = store.submissions(str(PERIOD))[2].sha256
    assert store.use_events(str(PERIOD))[0].made_by == getpass.getuser()
    store.close()
    assert "Submission #3 (second.xlsx) is now current" in use("--use", sha[:10], "--reason", "the service confirmed").output
    again = use("--use", "#3", "--reason", "again")
    assert again.exit_code == 0 and again.output.startswith("Submission #3 (second.xlsx) is already current; nothing changed.\n")
    assert use("--use", "9", "--reason", "x").output == f"pmf: there is no submission 9 for {PERIOD}; `pmf returns --period {PERIOD} --history` lists them.\n"
    rejected = use("--use", "junk.xlsx", "--reason", "x")
    assert rejected.exit_code == 2
    assert rejected.output == "pmf: submission #1 (junk.xlsx) was rejected, so it has no figures to use; ask for the return to be sent again.\n"
    no_reason = use("--use", "1")
    assert no_reason.exit_code == 2 and 'say why with --reason, e.g. --reason "the resubmission was sent by mistake"' in no_reason.output
    assert use("--use", "1", "--reason", "  ").exit_code == 2
    assert use("--reason", "why").exit_code == 2


def test_a_master_dataset_from_before_gains_notices_and_the_use_events_and_keeps_its_returns(blank, config, tmp_path):
    import sqlite3

    from pmf_pipeline.master.store import MIGRATIONS

    data = tmp_path / "data"
    data.mkdir()
    old = sqlite3.connect(data / "master.sqlite")  # as the previous version left it: the first migration only
    old.executescript(MIGRATIONS[0][1] + "; CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);")
    old.execute("INSERT INTO schema_migrations VALUES (?, '2026-10-01T00:00:00+00:00')", (MIGRATIONS[0][0],))
    old.execute(
        "INSERT INTO submissions (period, directorate, file_name, sha256, size, archive_path, received_at, saved_at, outcome, errors, warnings) "
        "VALUES (?, 'SS', 'old.xlsx', 'abc', 1, 'archive/x.xlsx', '2026-10-22T10:00:00+00:00', '2026-10-21T09:00:00Z', 'accepted', 0, 0)",
        (str(PERIOD),),
    )
    old.commit()
    old.close()
    store = Store(data)
    try:
        (sub,) = store.submissions(str(PERIOD))
        assert sub.current and sub.notice is None and store.use_events(str(PERIOD)) == []
        assert {r[0] for r in store.db.execute("SELECT name FROM schema_migrations")} == {m[0] for m in MIGRATIONS}
    finally:
        store.close()
    outcome = ingest(CONFIG, data, PERIOD, [fill_return(blank("SS"), full(config, "SS"), tmp_path / "new.xlsx", saved_at=saved(10, 23))]).outcomes[0]
    assert outcome.current and outcome.notice == "replaces the SS return received 22 October 2026 (saved 21 October): 11 figures changed"


def test_a_correction_saved_in_libreoffice_beats_the_original_whatever_the_names(blank, config, tmp_path):
    import subprocess

    from tests.conftest import need_program

    soffice = need_program("soffice")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill_return(blank("SS"), full(config, "SS"), inbox / "b original.xlsx", saved_at=saved(10, 20))
    edited = fill_return(blank("SS"), full(config, "SS", **{"SSM/026": dict(actual=200)}), tmp_path / "a corrected.xlsx", saved_at=saved(10, 22))
    subprocess.run(  # written again by LibreOffice, document properties and all (it keeps the last-saved time when converting)
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--calc", "--convert-to", "xlsx", "--outdir", str(inbox), str(edited)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    summary = ingest(CONFIG, tmp_path / "data", PERIOD, collect_files([inbox]))
    assert [o.status for o in summary.outcomes] == ["accepted", "accepted"], [f.message for o in summary.outcomes for f in o.result.errors]
    values, subs = current_values(tmp_path / "data")
    assert values["SSM/026"] == "200" and subs[-1].file_name.endswith("a corrected.xlsx") and subs[-1].current
    assert summary.outcomes[0].notice == f"replaces the SS return received {today()} (saved 20 October): 1 figure changed"


def test_a_hash_that_begins_with_digits_only_is_read_as_a_hash_not_a_number(blank, config, tmp_path):
    """One SHA-256 in 110 begins with ten decimal digits: '--use 4821930571' means that hash, as
    no submission has that number (it made the test above fail now and then)."""
    data = tmp_path / "data"
    first = fill_return(blank("SS"), full(config, "SS"), tmp_path / "first.xlsx", saved_at=saved(10, 21))
    second = fill_return(blank("SS"), full(config, "SS", **FOUR), tmp_path / "second.xlsx", saved_at=saved(10, 22))
    ingest(CONFIG, data, PERIOD, [first, second])
    store = Store(data)
    store.db.execute("UPDATE submissions SET sha256 = ? WHERE id = 1", ("4821930571" + "a" * 54,))
    store.close()

    def use(*args):
        return CliRunner().invoke(main, ["--data", str(data), "returns", "--period", str(PERIOD), *args])

    r = use("--use", "4821930571", "--reason", "figures agreed with the service")
    assert r.exit_code == 0 and "Submission #1 (first.xlsx) is now current" in r.output, r.output
    assert (
        use("--use", "#4821930571", "--reason", "x").output
        == f"pmf: there is no submission 4821930571 for {PERIOD}; `pmf returns --period {PERIOD} --history` lists them.\n"
    )
    assert use("--use", "482193", "--reason", "x").exit_code == 0  # six digits: the shortest hash prefix taken
    assert use("--use", "48219", "--reason", "x").exit_code == 2  # fewer: only ever a number
