"""PEP 691 file entries of every shape a page parser must judge as `pages._json_file` does
(shared by the tests of pagerows.py and jsonscan.py)."""

from __future__ import annotations

PAGE = "https://index.example/simple/foo-bar/"
PROJECT = "foo-bar"
WHEEL = "foo_bar-1.0-py3-none-any.whl"
HEX = "ab" * 32


def _entry(**fields: object) -> dict[str, object]:
    entry: dict[str, object] = {"filename": WHEEL, "url": f"https://files.example/{WHEEL}",
                                "hashes": {"sha256": HEX}}
    entry.update({k.replace("_", "-"): v for k, v in fields.items()})
    return entry


# Each shape the fast path must hand to the careful path (or take with the same result).
ENTRIES: dict[str, object] = {
    "common": _entry(),
    "all fields": _entry(requires_python=">=3.9", size=12, upload_time="2024-01-02T03:04:05Z",
                         core_metadata={"sha256": HEX}, yanked=False),
    "no hashes key": {"filename": WHEEL, "url": f"https://files.example/{WHEEL}"},
    "empty hashes": _entry(hashes={}),
    "two hashes, unsorted": _entry(hashes={"sha512": "cd" * 64, "md5": "ef" * 16}),
    "upper-case hash name": _entry(hashes={"SHA256": HEX}),
    "upper-case hex": _entry(hashes={"sha256": HEX.upper()}),
    "hex with spaces": _entry(hashes={"sha256": f" {HEX}\n"}),
    "unknown hash name": _entry(hashes={"blake2b": HEX}),
    "non-hex digest": _entry(hashes={"sha256": "xyz"}),
    "empty digest": _entry(hashes={"sha256": ""}),
    "hash name with '='": _entry(hashes={"sha256=ab": "cd"}),
    "hashes a list": _entry(hashes=[["sha256", HEX]]),
    "hashes null": _entry(hashes=None),
    "digest a number": _entry(hashes={"sha256": 12}),
    "relative url": _entry(url=f"../../files/{WHEEL}"),
    "url with fragment": _entry(url=f"https://files.example/{WHEEL}#sha256={HEX}"),
    "url with a space": _entry(url=f"https://files.example/a b/{WHEEL}"),
    "url with padding": _entry(url=f"  https://files.example/{WHEEL}  "),
    "http url": _entry(url=f"http://files.example/{WHEEL}"),
    "file url": _entry(url=f"file:///srv/{WHEEL}"),
    "url without host": _entry(url=f"https:///{WHEEL}"),
    "url of only a scheme": _entry(url="https://"),
    "non-printable url": _entry(url=f"https://files.example/\x07{WHEEL}"),
    "non-ascii url": _entry(url=f"https://files.example/é/{WHEEL}"),
    "javascript url": _entry(url="javascript:alert(1)"),
    "requires-python padded": _entry(requires_python="  >=3.8 "),
    "requires-python empty": _entry(requires_python="   "),
    "requires-python a number": _entry(requires_python=3),
    "upload-time empty": _entry(upload_time=""),
    "upload-time a number": _entry(upload_time=1700000000),
    "yanked reason": _entry(yanked="  broken build "),
    "yanked empty reason": _entry(yanked=""),
    "yanked true": _entry(yanked=True),
    "yanked a number": _entry(yanked=1),
    "yanked null": _entry(yanked=None),
    "size zero": _entry(size=0),
    "size negative": _entry(size=-1),
    "size a bool": _entry(size=True),
    "size a float": _entry(size=1.5),
    "size a string": _entry(size="12"),
    "core-metadata true": _entry(core_metadata=True),
    "core-metadata false": _entry(core_metadata=False),
    "core-metadata empty object": _entry(core_metadata={}),
    "core-metadata bad hash": _entry(core_metadata={"sha256": "XY"}),
    "core-metadata a string": _entry(core_metadata="true"),
    "core-metadata a number": _entry(core_metadata=1),
    "core-metadata null, legacy true": _entry(core_metadata=None, dist_info_metadata=True),
    "legacy dist-info-metadata": _entry(dist_info_metadata={"sha256": HEX}),
    "legacy dist-info-metadata bad": _entry(dist_info_metadata=[]),
    "not an object": [WHEEL],
    "filename missing": {"url": f"https://files.example/{WHEEL}"},
    "filename a number": _entry(filename=1),
    "url a number": _entry(url=1),
    "another project": _entry(filename="other-1.0-py3-none-any.whl", hashes=12),
    "bad tags": _entry(filename="foo_bar-1.0-py3-none-.whl", hashes=12),
    "bad build": _entry(filename="foo_bar-1.0-x-py3-none-any.whl", hashes=12),
    "bad version": _entry(filename="foo_bar-1.0~1-py3-none-any.whl", hashes=12),
    "legacy sdist": _entry(filename="Foo.Bar-1.0.tar.bz2"),
    "upper-case sdist": _entry(filename="foo_bar-1.0.TAR.GZ"),
}
