"""Report writers: one module per format, each `render(result, lang) -> bytes`, pure."""
