import os
import sys

# Use the package from this source tree (the README's test command also sets
# PYTHONPATH and CVHP_LIBRARY to the build tree's library).
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
