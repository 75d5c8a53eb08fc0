"""refserver."""
