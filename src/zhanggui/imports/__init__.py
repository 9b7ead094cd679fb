"""File imports: format profiles (declared column mappings), import runs, error reports."""
