"""How training work is spread over devices: pipeline schedules."""
