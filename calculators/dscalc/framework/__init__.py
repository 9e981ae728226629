"""What every calculator is made of: declarations, validation, words and number formats."""
