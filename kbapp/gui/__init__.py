"""The Qt desktop client. The only package that imports Qt."""
