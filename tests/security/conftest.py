"""The access matrix's world of records (and its chair), for the fuzz over every URL."""

from tests.core.test_access_matrix import committee_chair, world  # noqa: F401
