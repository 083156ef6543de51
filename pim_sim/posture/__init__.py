"""Posture: CISA SCuBA baseline checks (MS.AAD.7) on a tenant's PIM configuration, and the
fix-the-tenant exercises graded against them."""
