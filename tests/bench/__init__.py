"""Benchmarks, outside the installed package and never collected as tests: ``make bench``
runs ``book_bench``; ``variants_bench`` times the conversion path alone."""
