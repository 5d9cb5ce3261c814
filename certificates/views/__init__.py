"""Certificate pages, one module per audience:

- ``officer``: eligibility, issuing one or a cohort, revoking, re-issuing, bulk progress.
- ``holder``: "My certificates", PDF download, the name-on-verification choice.
- ``register``: the register of issued certificates with filters and export.
- ``verify``: the public verification page and the PDF hash check.
- ``badges``: Open Badges 3.0 export, the issuer profile and the status list.
"""
