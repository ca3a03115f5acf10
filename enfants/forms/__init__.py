"""Les formulaires des pages de `enfants`, rangés comme elles (`enfants/views/`)."""
