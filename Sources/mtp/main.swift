print("mtp")
