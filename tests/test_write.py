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
