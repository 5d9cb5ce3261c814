"""What a certificate can claim, and (later) the certificates themselves.

- ``credits``: credit frameworks (ECTS, RQF, SCQF, EQF, custom) and the mappings that say
  what a programme or a session plan is worth in one of them, and on what basis.
"""

from .credits import CreditFramework, CreditMapping

__all__ = ["CreditFramework", "CreditMapping"]
