"""Errors the detection library raises carry a stable code and parameters, not only English words.

The library stays framework-free: `str(error)` is an English sentence for logs and the command line, while
the apps turn `code` and `params` into a message in the user's language (copvn.core.messages).
Codes are storage keys (a failed capture keeps its code): never rename one.
"""

from __future__ import annotations


class CodedError(Exception):
    """An error with a machine-readable `code`, its `params`, and an English sentence made from them."""

    MESSAGES: dict[str, str] = {}

    def __init__(self, code: str, **params):
        if code not in self.MESSAGES:
            raise KeyError(f"{type(self).__name__}: unknown error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.MESSAGES[code].format(**params))
