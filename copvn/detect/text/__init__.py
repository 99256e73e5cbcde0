"""Vietnamese text: normalisation, the abuse classifier and the category lexicons (framework-free)."""
