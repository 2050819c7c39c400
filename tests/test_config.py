"""Settings: defaults, staff overrides, and one clear line for every bad value."""

import tomllib

import pytest

from kiosk.config import SETTINGS, describe, load_config
from kiosk.errors import ConfigError


def write(tmp_path, text):
    p = tmp_path / "kiosk.toml"
    p.write_text(text)
    return p


def test_defaults_are_valid_and_documented():
    c = load_config()
    assert c.button_pins == {"green": "GPIO17", "yellow": "GPIO27", "blue": "GPIO22"}
    assert len(c["ledbar.pins"]) == 10
    assert all(help_ for _default, help_ in SETTINGS.values())


def test_describe_is_a_loadable_commented_file(tmp_path):
    text = describe()
    assert text.count("# ") >= len(SETTINGS)
    data = tomllib.loads(text)
    assert data["buttons"]["green"] == "GPIO17"
    assert load_config(write(tmp_path, text)).values == load_config().values


def test_staff_override(tmp_path):
    c = load_config(write(tmp_path, '[buttons]\ngreen = "GPIO23"\n[camera]\nfps = 15\n'))
    assert c["buttons.green"] == "GPIO23" and c["camera.fps"] == 15 and c["buttons.yellow"] == "GPIO27"


@pytest.mark.parametrize(
    "text, words",
    [
        ('[buttons]\ngreen = "GPIO2"\n', "GPIO2/3 have fixed pull-ups"),
        ('[buttons]\ngreen = "GPIO40"\n', "GPIO4..GPIO27"),
        ('[buttons]\ngreen = "GPIO1"\n', "HAT ID EEPROM"),
        ("[buttons]\ngreen = 17\n", "should be str"),
        ('[buttons]\nblue = "GPIO17"\n', "already used by [buttons] green"),
        ('[ledbar]\npins = ["GPIO5", "GPIO6", "GPIO17", "GPIO19"]\n', "pins[2] = GPIO17 is already used"),
        ('[ledbar]\npins = ["GPIO5"]\n', "needs 4 to 12"),
        ('[buttons]\ngren = "GPIO5"\n', "gren is not a setting - known: buttons.green"),
        ("[camera]\nfps = 60\n", "use 15 to 30"),
        ('[buttons]\npull_up = "yes"\n', "should be bool"),
        ("buttons = 3\n", "must be a [table]"),
        ('[buttons\ngreen = "GPIO5"\n', "not valid TOML"),
    ],
)
def test_bad_settings_name_file_key_and_fix(tmp_path, text, words):
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(p)
    msg = str(e.value)
    assert words in msg and str(p) in msg and "\n" not in msg


def test_missing_file_is_an_error_not_silent_defaults(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")
