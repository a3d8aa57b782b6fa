"""Stage places and other opportunities, applications, placements and their evaluation."""
