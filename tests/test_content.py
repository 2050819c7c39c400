"""Content: the article's words, `kiosk content check`, and `kiosk preview` PNGs of every screen."""

import pygame
import pytest

from kiosk.cli import main
from kiosk.content import DEFAULT_PATH, load_content
from kiosk.errors import ContentError

ARTICLE = DEFAULT_PATH.parents[1].parent / "shared" / "seed" / "crux-hip-hinge-article.txt"


@pytest.mark.skipif(not ARTICLE.exists(), reason="../shared/seed is not beside this checkout")
def test_steps_and_benefits_are_the_articles_words():
    article = ARTICLE.read_text().lower()
    c = load_content()
    assert len(c.steps) == 5 and len(c.benefits) == 4
    for s in c.steps:
        assert s.text.lower() in article
    for b in c.benefits:
        assert b.title.lower() in article and b.text.lower().rstrip(".") in article
    assert "marco ng" in c.author.lower() and c.phone_uri == "tel:+17789857700"


def test_content_check_ok_and_bad(tmp_path, capsys):
    assert main(["content", "check"]) == 0
    assert "OK - 4 benefits, 5 steps" in capsys.readouterr().out
    bad = tmp_path / "content.toml"
    bad.write_text(DEFAULT_PATH.read_text().replace("set_reps = 8", "set_reps = 0"))
    assert main(["content", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "[train] set_reps" in err and "1 to 50" in err


@pytest.mark.parametrize(
    "edit, words",
    [
        (('phone = "778-985-7700"', "phone = 7789857700"), "[gym] phone is int"),
        (("[[steps]]", "[[stepz]]"), "[[steps]] needs 2 to 8 entries"),
        (("pose = 0.45", "pose = 3"), "[steps.2] pose is 3"),
        (("[cues]", "[cues"), "not valid TOML"),
    ],
)
def test_bad_content_names_file_and_key(tmp_path, edit, words):
    p = tmp_path / "content.toml"
    p.write_text(DEFAULT_PATH.read_text().replace(*edit))
    with pytest.raises(ContentError) as e:
        load_content(p)
    assert words in str(e.value) and str(p) in str(e.value)


def test_preview_writes_every_screen(tmp_path):
    assert main(["preview", "--out", str(tmp_path), "--size", "800x480"]) == 0
    names = sorted(p.stem for p in tmp_path.glob("*.png"))
    assert names == sorted(
        [f"attract-{k}" for k in range(1, 5)]
        + [f"learn-{k}" for k in range(1, 6)]
        + ["train", "train-nobody", "summary", "call"]
    )
    img = pygame.image.load(str(tmp_path / "train.png"))
    assert img.get_size() == (800, 480)
