"""Yes/no settings from the environment: a value that is neither stops the start."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import envbool


@pytest.mark.parametrize("value", ["1", "true", "True", "YES", "on", " yes "])
def test_yes_words_are_true(monkeypatch, value):
    monkeypatch.setenv("CIPHERMAP_TEST_FLAG", value)
    assert envbool("CIPHERMAP_TEST_FLAG", False) is True


@pytest.mark.parametrize("value", ["0", "false", "No", "off", ""])
def test_no_words_are_false(monkeypatch, value):
    monkeypatch.setenv("CIPHERMAP_TEST_FLAG", value)
    assert envbool("CIPHERMAP_TEST_FLAG", True) is False


def test_an_unset_variable_gives_the_default(monkeypatch):
    monkeypatch.delenv("CIPHERMAP_TEST_FLAG", raising=False)
    assert envbool("CIPHERMAP_TEST_FLAG", True) is True
    assert envbool("CIPHERMAP_TEST_FLAG", False) is False


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "y e s"])
def test_a_value_it_does_not_understand_is_refused(monkeypatch, value):
    monkeypatch.setenv("CIPHERMAP_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="CIPHERMAP_TEST_FLAG"):
        envbool("CIPHERMAP_TEST_FLAG", False)
