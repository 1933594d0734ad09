"""Everything that exists only for speed. Each piece has a slow path elsewhere that gives the
same answer; a cache makes an answer faster, never different."""
