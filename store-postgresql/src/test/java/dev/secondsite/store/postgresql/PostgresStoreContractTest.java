package dev.secondsite.store.postgresql;

import dev.secondsite.core.spi.StateStore;
import dev.secondsite.core.store.StateStoreContract;

/** The journal store's {@link StateStoreContract}, unchanged, against PostgreSQL; each test has its own tables. */
class PostgresStoreContractTest extends StateStoreContract {
    private final String prefix = TestDatabase.freshPrefix();

    @Override
    protected StateStore open(String name) {
        return PostgresStateStore.open(PostgresStoreOptions.builder(TestDatabase.dataSource())
                .tablePrefix(prefix + name + "_").build());
    }
}
