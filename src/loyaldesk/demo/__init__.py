"""The realistic data generator behind `loyaldesk demo` and the benchmarks."""
