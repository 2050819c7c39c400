"""pygame drawing only: screens and the drawn figure. Main thread only."""
