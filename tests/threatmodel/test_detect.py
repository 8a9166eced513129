"""Recognising a model file's format, and the one line for formats Ciphermap cannot read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from threatmodel import load
from threatmodel.__main__ import main
from threatmodel.formats.detect import FORMATS, detect, find_format, read_model
from threatmodel.load import ModelError

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS_DIR = FIXTURES / "formats"
SHOP = FIXTURES / "threatdragon-shop.json"
CHECKOUT = FIXTURES / "checkout.yaml"


def refusal(source) -> str:
    with pytest.raises(ModelError) as raised:
        read_model(source)
    assert len(raised.value.problems) == 1, raised.value.problems
    return raised.value.problems[0].message


def test_every_format_has_a_unique_cli_name():
    ids = [entry.id for entry in FORMATS]
    assert len(ids) == len(set(ids))
    assert find_format("threatdragon").name.startswith("OWASP Threat Dragon")
    with pytest.raises(KeyError, match="known: threatdragon"):
        find_format("visio")


def test_ciphermap_comes_last_because_it_is_the_broadest():
    assert FORMATS[-1].id == "ciphermap"


def test_a_threat_dragon_model_is_read_with_its_version():
    imported = read_model(SHOP)
    assert imported.format.id == "threatdragon"
    assert imported.label == "OWASP Threat Dragon model (version 2.3.0)"
    assert load(imported.document).name == "Shop"


def test_a_threat_dragon_1_model_says_1x():
    model = {
        "summary": {"title": "Old"},
        "detail": {"diagrams": [{"title": "D", "diagramJson": {"cells": []}}]},
    }
    assert read_model(json.dumps(model)).label == "OWASP Threat Dragon model (version 1.x)"


def test_a_ciphermap_document_is_read_as_is():
    imported = read_model(CHECKOUT)
    assert imported.native
    assert imported.label == "Ciphermap model"
    assert load(imported.document) == load(CHECKOUT)


def test_a_ciphermap_document_without_format_is_still_ours():
    document = {"name": "Bare", "elements": [{"id": "api", "kind": "service"}]}
    assert detect(document).id == "ciphermap"
    # A typo in a section name stays ours, so load() can say "did you mean".
    assert detect({"name": "Typo", "elments": []}).id == "ciphermap"


def test_a_tm_bom_file_gets_one_line_not_field_errors():
    message = refusal(FORMATS_DIR / "tm-bom.json")
    assert message.startswith("TM-BOM (OWASP Threat Model Library) file (version 1.0):")
    assert "cannot import TM-BOM" in message


def test_a_drawio_file_gets_one_line():
    assert refusal(FORMATS_DIR / "diagram.drawio").startswith("draw.io diagram: ")


def test_a_tm7_file_gets_one_line_also_in_utf16():
    path = FORMATS_DIR / "model.tm7"
    assert refusal(path).startswith("Microsoft Threat Modeling Tool (.tm7) model: ")
    assert refusal(path.read_text().encode("utf-16")).startswith("Microsoft Threat Modeling")


def test_an_unknown_document_names_its_keys_and_what_is_readable():
    message = refusal('{"nodes": [], "edges": []}')
    assert message.startswith("not a model format Ciphermap reads (it reads OWASP Threat Dragon")
    assert message.endswith("its top-level keys are edges, nodes")


def test_another_format_field_is_refused_by_value():
    assert "'something-else/3' is not one Ciphermap reads" in refusal(
        "format: something-else/3\nname: x\n"
    )


def test_insisting_on_a_format_refuses_a_file_in_another():
    with pytest.raises(ModelError, match="expected Ciphermap model, but this file reads as OWASP"):
        read_model(SHOP, format_id="ciphermap")


def test_an_untitled_import_is_named_after_its_file():
    model = json.loads(SHOP.read_text())
    model["summary"]["title"] = ""
    assert read_model(json.dumps(model), name="payments").document["name"] == "payments"


def test_the_size_cap_holds_for_every_format():
    with pytest.raises(ModelError, match="larger than"):
        read_model(SHOP, max_bytes=1000)


# -- the CLI ------------------------------------------------------------------------------


def test_check_says_which_format_it_read(capsys):
    code = main(["check", str(SHOP), "--fail-on", "none"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "read as OWASP Threat Dragon model (version 2.3.0)" in err
    assert out.startswith("Shop: ")


def test_check_on_an_unsupported_format_prints_one_line(capsys):
    code = main(["check", str(FORMATS_DIR / "tm-bom.json")])
    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "TM-BOM" in err and "unknown field" not in err


def test_import_writes_a_document_that_loads(tmp_path, capsys):
    output = tmp_path / "shop.yaml"
    assert main(["import", "threatdragon", str(SHOP), "-o", str(output)]) == 0
    _, err = capsys.readouterr()
    assert "read as OWASP Threat Dragon model" in err and "7 elements" in err
    assert load(output).name == "Shop"


def test_import_detects_the_format_and_writes_json_by_suffix(tmp_path, capsys):
    output = tmp_path / "shop.json"
    assert main(["import", str(SHOP), "-o", str(output)]) == 0
    assert json.loads(output.read_text())["format"] == "ciphermap/1"


def test_import_to_stdout(capsys):
    assert main(["import", "auto", str(SHOP)]) == 0
    out, _ = capsys.readouterr()
    assert load(out).name == "Shop"


def test_import_refuses_a_file_of_another_format(tmp_path, capsys):
    assert main(["import", "threatdragon", str(CHECKOUT), "-o", str(tmp_path / "x.yaml")]) == 2
    _, err = capsys.readouterr()
    assert "expected OWASP Threat Dragon model, but this file reads as Ciphermap model" in err
    assert not (tmp_path / "x.yaml").exists()


def test_import_of_an_unknown_format_name_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["import", "visio", str(SHOP)])
    assert raised.value.code == 2
    assert "unknown format 'visio'" in capsys.readouterr().err


def test_check_on_a_ciphermap_file_keeps_stderr_quiet(capsys):
    main(["check", str(CHECKOUT), "--fail-on", "none"])
    assert capsys.readouterr().err == ""


def test_ids_number_repeats_without_rescanning():
    from threatmodel.formats.ids import Ids

    ids = Ids()
    made = [ids.make("elements", "Process", "process") for _ in range(4)]
    assert made == ["process", "process-2", "process-3", "process-4"]
    assert ids.make("elements", "Process 5", "x") == "process-5"
    assert ids.make("elements", "Process", "process") == "process-6"  # 5 is taken
    assert ids.make("flows", "Process", "process") == "process"  # per section
    assert ids.make("elements", "!!!", "actor") == "actor"
