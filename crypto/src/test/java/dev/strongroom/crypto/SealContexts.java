package dev.strongroom.crypto;

import dev.strongroom.format.FixedBytes;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.Suite;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds {@link SealContext} instances of every permitted record type by reflection, and for
 * each one the variants that change exactly one field. A new context type or field is covered
 * without touching the tests; a field type this class does not know how to vary fails loudly.
 */
final class SealContexts {
    private SealContexts() {
    }

    /** A context and how it differs from its base. */
    record Variant(String description, SealContext context) {
        @Override
        public String toString() {
            return description;
        }
    }

    @SuppressWarnings("unchecked")
    static List<Class<? extends SealContext>> types() {
        return Arrays.stream(SealContext.class.getPermittedSubclasses())
                .<Class<? extends SealContext>>map(c -> (Class<? extends SealContext>) c).toList();
    }

    /** The base instance of {@code type}: every field at its base value, distinct per field. */
    static SealContext base(Class<? extends SealContext> type) {
        RecordComponent[] rc = type.getRecordComponents();
        Object[] args = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            args[i] = value(rc[i].getType(), i, false);
        }
        return construct(type, args);
    }

    /** One variant per field except the suite (only one suite exists), each changing that field only. */
    static List<Variant> variants(SealContext base) {
        Class<? extends SealContext> type = base.getClass();
        RecordComponent[] rc = type.getRecordComponents();
        List<Variant> out = new ArrayList<>();
        for (int i = 0; i < rc.length; i++) {
            if (rc[i].getType() == Suite.class) {
                continue;
            }
            Object[] args = components(base);
            args[i] = value(rc[i].getType(), i, true);
            out.add(new Variant(type.getSimpleName() + "." + rc[i].getName() + " changed", construct(type, args)));
        }
        return out;
    }

    static Object[] components(SealContext c) {
        RecordComponent[] rc = c.getClass().getRecordComponents();
        Object[] args = new Object[rc.length];
        try {
            for (int i = 0; i < rc.length; i++) {
                args[i] = rc[i].getAccessor().invoke(c);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return args;
    }

    static SealContext construct(Class<? extends SealContext> type, Object[] args) {
        Class<?>[] sig = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<? extends SealContext> k = type.getDeclaredConstructor(sig);
            return k.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object value(Class<?> t, int field, boolean changed) {
        if (t == Suite.class) {
            return Suite.CURRENT;
        }
        if (t == long.class) {
            return changed ? 1L + field + 1 : 1L + field;
        }
        if (t == int.class) {
            return changed ? 1 : 0;
        }
        if (t == ObjectType.class) {
            return changed ? ObjectType.TREE : ObjectType.DATA;
        }
        if (t == String.class) {
            // same length, one character different: the content is bound, not just the length
            return changed ? "ark" + field + "X" : "ark" + field + "x";
        }
        if (FixedBytes.class.isAssignableFrom(t)) {
            try {
                int len = t.getField("LENGTH").getInt(null);
                byte[] b = new byte[len];
                for (int i = 0; i < len; i++) {
                    b[i] = (byte) (field * 31 + i);
                }
                if (changed) {
                    b[len - 1] ^= 1;
                }
                return t.getConstructor(byte[].class).newInstance((Object) b);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("SealContexts cannot vary a field of type " + t + "; teach it");
    }
}
