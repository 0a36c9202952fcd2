from click.testing import CliRunner

from pmf_pipeline.cli import main
from tests.conftest import ROOT


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert "make quarter" in readme and "make test" in readme
    for name, command in main.commands.items():
        assert command.help, name
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output
        assert f"pmf {name}" in readme, name


def test_unexpected_problems_are_one_line_without_traceback(tmp_path):
    (tmp_path / "config").mkdir()
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "config"), "check-config"])
    assert result.exit_code == 2 and "framework.yaml: file not found" in result.output and "Traceback" not in result.output


def test_missing_input_path_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["--data", str(tmp_path), "ingest", "--period", "2026-27-Q2", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "no such file or folder" in result.output
