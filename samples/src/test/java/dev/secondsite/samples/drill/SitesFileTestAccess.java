package dev.secondsite.samples.drill;

/** The valid sites file of {@link SitesFileTest}, for the tests of the programs in the parent package. */
public final class SitesFileTestAccess {
    public static final String VALID = SitesFileTest.VALID;

    private SitesFileTestAccess() {
    }
}
