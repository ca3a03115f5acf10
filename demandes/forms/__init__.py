"""Les formulaires des pages de `demandes`, rangés comme elles (`demandes/views/`)."""
