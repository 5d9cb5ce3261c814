"""What a certificate can claim, how it looks, and the certificates themselves.

- ``credits``: credit frameworks (ECTS, RQF, SCQF, EQF, custom) and the mappings that say
  what a programme or a session plan is worth in one of them, and on what basis.
- ``templates``: wording, logo and signatories per organisation and language.
- ``issued``: issued certificates with their frozen snapshot and PDF hash, the append-only
  log, and bulk issuing runs.
"""

from .credits import CreditFramework, CreditMapping
from .issued import Certificate, CertificateEvent, IssueRun
from .templates import CertificateTemplate

__all__ = [
    "Certificate",
    "CertificateEvent",
    "CertificateTemplate",
    "CreditFramework",
    "CreditMapping",
    "IssueRun",
]
