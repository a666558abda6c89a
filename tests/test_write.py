"""write: files are written only when their bytes change; the manifest spares reading them back."""
import os

from gongkai.stages.write import Writer


def test_writer_skips_what_the_manifest_vouches_for_and_rewrites_what_changed_on_disk(tmp_path):
    first = Writer(tmp_path)
    first.put("gk/a/index.html", b"<p>one</p>")
    first.put("gk/b/index.html", b"<p>two</p>")
    assert first.changed == {"gk/a/index.html", "gk/b/index.html"}

    again = Writer(tmp_path, first.files)
    again.put("gk/a/index.html", b"<p>one</p>")
    again.put("gk/b/index.html", b"<p>two, edited</p>")
    assert again.changed == {"gk/b/index.html"} and again.files["gk/a/index.html"] == first.files["gk/a/index.html"]

    (tmp_path / "gk/a/index.html").write_bytes(b"<p>oops</p>")             # changed behind the build's back
    os.utime(tmp_path / "gk/a/index.html", ns=(1, 1))
    third = Writer(tmp_path, again.files)
    third.put("gk/a/index.html", b"<p>one</p>")
    assert third.changed == {"gk/a/index.html"} and (tmp_path / "gk/a/index.html").read_bytes() == b"<p>one</p>"


def test_a_file_made_from_the_same_identity_is_kept_without_its_bytes_and_rewritten_when_it_differs(tmp_path):
    first = Writer(tmp_path)
    first.put("gk/a/index.html", b"<p>one</p>", "identity-1")
    again = Writer(tmp_path, first.files)
    assert again.keep("gk/a/index.html", "identity-1") and not again.changed
    assert not again.keep("gk/a/index.html", "identity-2")          # made from something else: must be written
    (tmp_path / "gk/a/index.html").write_bytes(b"<p>damaged</p>")
    os.utime(tmp_path / "gk/a/index.html", ns=(1, 1))
    third = Writer(tmp_path, first.files)
    assert not third.keep("gk/a/index.html", "identity-1")           # not as the manifest recorded it
    assert not Writer(tmp_path, {}).keep("gk/a/index.html", "identity-1")
