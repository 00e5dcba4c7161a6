"""What a source build needs: the apk/apt mapping (its types and loader), the build and
runtime packages it adds up to, and evidence that an unmapped project compiles code.
"""
