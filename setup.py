"""Ship the data package inside the wheel as ``course_lib/_data``.

The data lives at the top of the repository (``data/``) so that it is easy to find and validate;
a non-editable install copies it into the package so the loaders work from any directory.
Everything else is configured in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithData(build_py):
    """``build_py`` that also copies ``data/`` to ``course_lib/_data`` in the build tree."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        src = Path(__file__).resolve().parent / "data"
        dst = Path(self.build_lib) / "course_lib" / "_data"
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildPyWithData})
