/* The main of the header tests: the real check happened at compile time. */
int main(void) { return 0; }
