package dev.gevent4j.junit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * Runs a fixture class (a static nested class that surefire does not run by itself) through the JUnit launcher and
 * returns each test run's outcome: display name to null (passed) or the throwable that failed it.
 */
final class Fixtures {
    private Fixtures() {}

    static Map<String, Throwable> run(Class<?> fixture) {
        Map<String, Throwable> results = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(fixture)).build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) {
                    return;
                }
                order.add(id.getDisplayName());
                results.put(id.getDisplayName(), result.getThrowable().orElse(
                        result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? null
                                : new AssertionError("status " + result.getStatus())));
            }
        });
        return results;
    }
}
