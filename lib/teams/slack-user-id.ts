/** A Slack user id (U…, or W… on Enterprise Grid), as Slack shows it under "Copy member ID". */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
