package dev.secondsite.samples;

/** Placeholder until the configuration tour lands; replaced in the same session. */
public final class DrDrill {
    private DrDrill() {
    }

    public static void main(String[] args) {
        System.out.println("Secondsite drill");
    }
}
