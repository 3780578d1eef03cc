package io.github.sysched.webhook.admission;

/** The domain side of one endpoint: turns a decoded request into a verdict. Runs within the request deadline. */
public interface AdmissionHandler {

    Endpoint endpoint();

    AdmissionVerdict handle(AdmissionContext request);
}
