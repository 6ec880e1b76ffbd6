"""One road, one chief (一路一长): give every segment one owner, and measure the ownership."""

from roadchief.solve.ownership.owners import assign_owners, owners_by_zone
from roadchief.solve.ownership.report import OwnershipReport, measure_ownership

__all__ = ["OwnershipReport", "assign_owners", "measure_ownership", "owners_by_zone"]
